using Microsoft.EntityFrameworkCore;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Wallets.Commands;

public sealed record ExpireTokensOutcome(int Expired);

/// <summary>
/// Ends tokens 30 days after issue, in one set-based statement (a million rows in seconds). A token
/// is also refused at use once past its time, so this only keeps the table honest. A recurring job.
/// </summary>
public sealed class ExpireTokens(OneClickDbContext db, TimeProvider clock, ILogger<ExpireTokens> logger)
{
    public async Task<ExpireTokensOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expired = await db.OneClickTokens
            .Where(OneClickToken.ExpirableAt(now))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, OneClickTokenState.Expired), cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("{Count} oneClickToken(s) expired", expired);
        }

        return new ExpireTokensOutcome(expired);
    }
}
