namespace OneClick.Web.Features.Postbacks;

/// <summary>The <c>OneClick:Postbacks</c> settings.</summary>
public sealed class PostbackOptions
{
    /// <summary>How long a merchant has to answer <c>OK</c> (PROTOCOL.md section 5: 10 seconds).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight to one shop at once: a slow shop holds only its own slots.</summary>
    public int PerShopConcurrency { get; set; } = 16;

    public int TotalConcurrency { get; set; } = 64;

    /// <summary>How often the dispatcher looks for due work without being woken.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Host names (<c>host</c> for ports 80 and 443, or <c>host:port</c>) a postback may reach although
    /// they resolve into the gateway's own network (a merchant on the same private network). Set by
    /// the operator; the seeded and demo shops' hosts and ports are added.
    /// </summary>
    public List<string> PrivateHosts { get; set; } = [];
}
