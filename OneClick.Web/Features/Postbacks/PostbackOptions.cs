namespace OneClick.Web.Features.Postbacks;

/// <summary>The <c>OneClick:Postbacks</c> settings.</summary>
public sealed class PostbackOptions
{
    /// <summary>How long a merchant has to answer <c>OK</c> (docs/protocol.md section 5: 10 seconds).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What a node's claim on a postback lasts beyond <see cref="Timeout"/> (decision 029): time to
    /// record the result, and to wait for a slot when it was claimed on commit. A node that dies
    /// holding a claim delays that postback by the whole lease at most; another node then takes it.
    /// </summary>
    public TimeSpan ClaimMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a node's claim on a postback lasts: the timeout, then the margin.</summary>
    public TimeSpan ClaimLease => Timeout + ClaimMargin;

    /// <summary>
    /// What must be left of a claim for a send to start under it: the timeout and half the margin (the
    /// other half records the result). A postback that waited longer for its slot renews its claim first.
    /// </summary>
    public TimeSpan ClaimLeftToSend => Timeout + ClaimMargin / 2;

    /// <summary>Deliveries in flight to one shop at once: a slow shop holds only its own slots.</summary>
    public int PerShopConcurrency { get; set; } = 16;

    /// <summary>
    /// Deliveries in flight to all of one merchant's shops at once: a merchant's slow shops share these,
    /// so that one merchant can never hold the whole <see cref="TotalConcurrency"/> (decision 017).
    /// </summary>
    public int PerMerchantConcurrency { get; set; } = 16;

    public int TotalConcurrency { get; set; } = 64;

    /// <summary>
    /// Origins a postback may reach although they are, or resolve, inside the gateway's own network (a
    /// merchant on the same private network): a URL (its scheme, host and port exactly), <c>host:port</c>
    /// (that port only), or <c>host</c> (http on 80, https on 443); see <see cref="OneClick.Core.Protocol.InsideOrigins"/>.
    /// Set by the operator; the seeded shop's configured postback URL and the running demo shop's
    /// address are added. No other inside address, localhost included, is ever called.
    /// </summary>
    public List<string> PrivateHosts { get; set; } = [];
}
