namespace OneClick.Web.Hosting;

/// <summary>
/// The gateway's clock, to the microsecond: PostgreSQL keeps times to the microsecond, so a time read
/// back equals the time written, and an answer repeated from the database (an idempotent API call, a
/// contract read twice) is the same to the byte as the first (decision 030). SQLite keeps them as they are.
/// </summary>
public sealed class MicrosecondClock(TimeProvider inner) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => Truncate(inner.GetUtcNow());

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>The time with its last decimal (.NET's 100 ns ticks below a microsecond) dropped.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => time.AddTicks(-(time.Ticks % TimeSpan.TicksPerMicrosecond));
}
