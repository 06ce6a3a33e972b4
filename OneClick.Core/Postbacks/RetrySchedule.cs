using System.Globalization;

namespace OneClick.Core.Postbacks;

/// <summary>The waits between failed postback deliveries (docs/protocol.md section 5); when they run out, the delivery is given up.</summary>
public sealed class RetrySchedule
{
    public static readonly RetrySchedule Default = new([
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ]);

    public RetrySchedule(IReadOnlyList<TimeSpan> delays)
    {
        if (delays.Count is 0 or > 20 || delays.Any(d => d <= TimeSpan.Zero || d > TimeSpan.FromDays(7)))
        {
            throw new ArgumentException("A retry schedule has 1 to 20 waits, each more than 0 and at most 7 days.", nameof(delays));
        }

        Delays = delays;
    }

    public IReadOnlyList<TimeSpan> Delays { get; }

    /// <summary>The wait after the given number of failed attempts; null when no retry is left.</summary>
    public TimeSpan? DelayAfter(int failedAttempts) => failedAttempts >= 1 && failedAttempts <= Delays.Count ? Delays[failedAttempts - 1] : null;

    /// <summary>The stored form: seconds separated by commas, e.g. <c>60,300,1800</c>.</summary>
    public override string ToString() => string.Join(',', Delays.Select(d => ((long)d.TotalSeconds).ToString(CultureInfo.InvariantCulture)));

    public static RetrySchedule Parse(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return Default;
        }

        var delays = new List<TimeSpan>();
        foreach (var part in stored.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                throw new FormatException($"'{part}' is not a number of seconds.");
            }

            delays.Add(TimeSpan.FromSeconds(seconds));
        }

        return new RetrySchedule(delays);
    }
}
