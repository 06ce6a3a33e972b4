using OneClick.Core.Shops;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

public abstract record CreateApiKeyOutcome
{
    /// <param name="Plaintext">To show once: the gateway keeps only its hash.</param>
    public sealed record Created(int KeyId, string Plaintext) : CreateApiKeyOutcome;

    public sealed record NameMissing : CreateApiKeyOutcome;

    /// <summary>Longer than <see cref="ApiKey.MaxNameLength"/> once trimmed.</summary>
    public sealed record NameTooLong : CreateApiKeyOutcome;

    /// <summary>No such shop, or one this person may not change: the same answer for both.</summary>
    public sealed record NotFound : CreateApiKeyOutcome;
}

/// <summary>A new API key for a shop's server: stored as a hash, audited with its prefix only.</summary>
public sealed class CreateApiKey(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, TimeProvider clock)
{
    public const string Action = "shop.apikey.create";

    public async Task<CreateApiKeyOutcome> RunAsync(int shopId, string? name, CancellationToken cancellationToken)
    {
        if (await ShopScope.MerchantOfAsync(db, staff, shopId, cancellationToken) is not { } merchantId)
        {
            return new CreateApiKeyOutcome.NotFound();
        }

        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return new CreateApiKeyOutcome.NameMissing();
        }

        if (trimmed.Length > ApiKey.MaxNameLength)
        {
            return new CreateApiKeyOutcome.NameTooLong();
        }

        var (apiKey, plaintext) = ApiKey.Generate(shopId, trimmed, clock.GetUtcNow().UtcDateTime);
        db.ApiKeys.Add(apiKey);
        // The prefix only: the key itself never reaches the audit trail.
        await audit.RecordAsync(Action, ShopWords.Subject(shopId), merchantId, null, new { name = apiKey.Name, prefix = apiKey.Prefix });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new CreateApiKeyOutcome.Created(apiKey.Id, plaintext);
    }
}
