using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

public abstract record RevokeApiKeyOutcome
{
    public sealed record Revoked(string Name) : RevokeApiKeyOutcome;

    /// <summary>Not an active API key of this shop (another shop's, revoked already, or none).</summary>
    public sealed record NotActive : RevokeApiKeyOutcome;

    /// <summary>No such shop, or one this person may not change: the same answer for both.</summary>
    public sealed record NotFound : RevokeApiKeyOutcome;
}

/// <summary>Revokes a shop's API key: calls made with it are refused from then on.</summary>
public sealed class RevokeApiKey(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, TimeProvider clock)
{
    public const string Action = "shop.apikey.revoke";

    public async Task<RevokeApiKeyOutcome> RunAsync(int shopId, int keyId, CancellationToken cancellationToken)
    {
        if (await ShopScope.MerchantOfAsync(db, staff, shopId, cancellationToken) is not { } merchantId)
        {
            return new RevokeApiKeyOutcome.NotFound();
        }

        // Only an active key is read (and tracked): a refusal leaves nothing behind.
        var apiKey = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.ShopId == shopId && k.RevokedAt == null, cancellationToken);
        if (apiKey is null)
        {
            return new RevokeApiKeyOutcome.NotActive();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        apiKey.Revoke(now);
        await audit.RecordAsync(Action, ShopWords.Subject(shopId), merchantId,
            new { keyId = apiKey.Id, name = apiKey.Name, prefix = apiKey.Prefix, revokedAt = (DateTime?)null },
            new { keyId = apiKey.Id, name = apiKey.Name, prefix = apiKey.Prefix, revokedAt = now });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new RevokeApiKeyOutcome.Revoked(apiKey.Name);
    }
}
