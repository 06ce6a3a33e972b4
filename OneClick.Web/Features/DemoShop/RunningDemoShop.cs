namespace OneClick.Web.Features.DemoShop;

/// <summary>
/// Where the demo shop answers, once it runs: the gateway's front page links it only then, so that a
/// gateway without it (production, or a demo shop whose port was taken) shows no dead link.
/// </summary>
public sealed class RunningDemoShop
{
    private volatile string? url;

    /// <summary>The demo shop's address, or null while it does not run.</summary>
    public string? Url => url;

    internal void Started(string address) => url = address;

    internal void Stopped() => url = null;
}
