using System.Threading.RateLimiting;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// Unknown oneClickTokens (guesses), counted per client address: past the limit, a startorder with a
/// token from that address is refused with 429 before any token is looked up, so that no one can try
/// tokens faster than that (PROTOCOL.md section 4; docs/decisions/015-rate-limits.md). Counted in memory,
/// like the other rate limits: a restart forgets the count, which costs a guesser one window at most.
/// </summary>
public sealed class TokenGuesses(RateLimitOptions limits, TimeProvider clock) : IDisposable
{
    private readonly PartitionedRateLimiter<string> failures = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.Get(client, _ => new ClockWindowLimiter(clock, limits.UnknownTokensPerHour, TimeSpan.FromHours(1),
            $"Too many unknown oneClickTokens came from your address: the gateway takes at most {limits.UnknownTokensPerHour} an hour from one address.")));

    /// <summary>Why this client may not try a token now; null when it may.</summary>
    public RateLimitRefusal? Refusal(string client) => RateLimitRefusal.IfRefused(failures.AttemptAcquire(client, 0));

    /// <summary>A token from this client is unknown.</summary>
    public void Failed(string client) => failures.AttemptAcquire(client).Dispose();

    public void Dispose() => failures.Dispose();
}
