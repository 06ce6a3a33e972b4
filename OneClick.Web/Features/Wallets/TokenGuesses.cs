using System.Threading.RateLimiting;
using OneClick.Web.Hosting;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// Unknown oneClickTokens (guesses), counted per client address: past the limit, tokens from that
/// address are not looked up at all and the order page is shown, as for any token that cannot pay
/// (docs/protocol.md section 4, rule 4), so no one can try tokens faster than that, and a real buyer
/// sharing the address still pays on the order page (docs/decisions/015-rate-limits.md). Counted in memory,
/// like the other rate limits: a restart forgets the count, which costs a guesser one window at most.
/// </summary>
public sealed class TokenGuesses(RateLimitOptions limits, TimeProvider clock) : IDisposable
{
    private const string Reason = "Too many unknown oneClickTokens came from this address.";

    private readonly PartitionedRateLimiter<string> failures = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.Get(client, _ => new ClockWindowLimiter(clock, limits.UnknownTokensPerHour, TimeSpan.FromHours(1), Reason)));

    /// <summary>Whether this client may have a token looked up now (a check: it counts nothing).</summary>
    public bool MayTry(string client)
    {
        using var lease = failures.AttemptAcquire(client, 0);
        return lease.IsAcquired;
    }

    /// <summary>A token from this client is unknown.</summary>
    public void Failed(string client) => failures.AttemptAcquire(client).Dispose();

    public void Dispose() => failures.Dispose();
}
