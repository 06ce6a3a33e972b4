namespace OneClick.Tests.Infrastructure;

/// <summary>A clock a test can move: it runs with real time from wherever it was set, to the microsecond as the gateway's own.</summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan offset;

    public override DateTimeOffset GetUtcNow() => OneClick.Web.Hosting.MicrosecondClock.Truncate(System.GetUtcNow() + offset);

    public void Advance(TimeSpan by) => offset += by;
}
