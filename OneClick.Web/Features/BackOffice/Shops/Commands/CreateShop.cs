using Microsoft.EntityFrameworkCore;
using OneClick.Core.Shops;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

public abstract record CreateShopOutcome
{
    /// <param name="SignatureKey">The shop's one key, to show once: no later page can show it again.</param>
    public sealed record Created(int ShopId, string Name, string SignatureKey) : CreateShopOutcome;

    /// <summary>Nothing created: the message of each field that is not valid, keyed by field.</summary>
    public sealed record Refused(IReadOnlyDictionary<string, string> Errors) : CreateShopOutcome;

    /// <summary>Not an owner of a merchant nor an administrator: nothing created, nothing to say about the fields.</summary>
    public sealed record NotAllowed : CreateShopOutcome;
}

/// <summary>
/// A new shop with its first signature key: an owner's for their own merchant whatever the post
/// says, an administrator's for the merchant they choose. Audited without the key.
/// </summary>
public sealed class CreateShop(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, TimeProvider clock)
{
    public const string Action = "shop.create";

    public async Task<CreateShopOutcome> RunAsync(ShopCreationForm input, CancellationToken cancellationToken)
    {
        if (!staff.MayManageMerchant)
        {
            return new CreateShopOutcome.NotAllowed();
        }

        var (shopId, name, website, chosenMerchant, errors) = input.Read(choosesMerchant: staff.IsAdministrator);
        var merchantId = staff.IsAdministrator ? chosenMerchant : await staff.MerchantIdAsync();
        if (staff.IsAdministrator && chosenMerchant is { } id && !await db.Merchants.AnyAsync(m => m.Id == id, cancellationToken))
        {
            errors["MerchantId"] = "Choose the merchant the shop belongs to.";
        }

        // Any merchant's shop takes the number: the message does not say whose.
        if (!errors.ContainsKey("ShopId") && await db.Shops.AnyAsync(s => s.Id == shopId, cancellationToken))
        {
            errors["ShopId"] = Taken(shopId);
        }

        if (errors.Count > 0)
        {
            return new CreateShopOutcome.Refused(errors);
        }

        if (merchantId is not > 0)
        {
            return new CreateShopOutcome.NotAllowed();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var shop = new Shop(shopId, merchantId.Value, name, website, now);
        var secret = SignatureKeySecret.New();
        shop.AddSignatureKey(secret, now);
        db.Shops.Add(shop);
        var entry = await audit.RecordAsync(Action, ShopWords.Subject(shopId), merchantId, null, new { name, websiteUrl = shop.WebsiteUrl, merchantId, activeKeys = 1 });
        try
        {
            await gate.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone took the same shopID between the check and the save.
            db.Forget([shop, shop.CustomerUnion, entry, .. shop.SignatureKeys]);

            return new CreateShopOutcome.Refused(new Dictionary<string, string> { ["ShopId"] = Taken(shopId) });
        }

        return new CreateShopOutcome.Created(shopId, shop.Name, secret);
    }

    private static string Taken(int shopId) => $"shopID {shopId} is already taken: choose another number.";
}
