using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Shops.Commands;

public abstract record RequestOneClickOutcome
{
    public sealed record Requested : RequestOneClickOutcome;

    /// <summary>One Click is on or asked for already; <see cref="Reason"/> says which.</summary>
    public sealed record Refused(string Reason) : RequestOneClickOutcome;

    /// <summary>No such shop, or one this person may not change: the same answer for both.</summary>
    public sealed record NotFound : RequestOneClickOutcome;
}

/// <summary>A merchant asks for One Click on a shop; a gateway administrator answers (<c>AnswerOneClickRequest</c>).</summary>
public sealed class RequestOneClick(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate)
{
    public const string Action = "shop.oneclick.request";

    public async Task<RequestOneClickOutcome> RunAsync(int shopId, CancellationToken cancellationToken)
    {
        var shop = await ShopScope.FindAsync(db, staff, shopId, cancellationToken);
        if (shop is null)
        {
            return new RequestOneClickOutcome.NotFound();
        }

        var before = ShopWords.Describe(shop.OneClickStatus);
        try
        {
            shop.RequestOneClick();
        }
        catch (InvalidOperationException ex)
        {
            ShopScope.Forget(db, shop);
            return new RequestOneClickOutcome.Refused(ex.Message);
        }

        await audit.RecordAsync(Action, ShopWords.Subject(shop.Id), shop.MerchantId, new { oneClick = before }, new { oneClick = ShopWords.Describe(shop.OneClickStatus) });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new RequestOneClickOutcome.Requested();
    }
}
