using Microsoft.EntityFrameworkCore;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;
using Quartz;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// Ends tokens 30 days after issue, in one set-based statement (a million rows in seconds). A token
/// is also refused at use once past its time, so this job only keeps the table honest.
/// </summary>
[DisallowConcurrentExecution]
public sealed class TokenExpiryJob(OneClickDbContext db, TimeProvider clock, ILogger<TokenExpiryJob> logger) : IJob
{
    public static readonly JobKey Key = new("token-expiry", "oneclick");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var expired = await ExpireAsync(cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("{Count} oneClickToken(s) expired", expired);
        }
    }

    public Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.OneClickTokens
            .Where(OneClickToken.ExpirableAt(now))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, OneClickTokenState.Expired), cancellationToken);
    }
}
