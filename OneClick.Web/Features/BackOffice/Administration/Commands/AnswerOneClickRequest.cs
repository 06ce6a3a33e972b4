using OneClick.Web.Features.Audit;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Administration.Commands;

public abstract record AnswerOneClickRequestOutcome
{
    /// <param name="Approved">True: One Click is on; false: the request is refused.</param>
    public sealed record Answered(int ShopId, string ShopName, bool Approved) : AnswerOneClickRequestOutcome;

    /// <summary>The shop has no pending request (answered already, or never asked); <see cref="Reason"/> says so.</summary>
    public sealed record NotPending(int ShopId, string ShopName, string Reason) : AnswerOneClickRequestOutcome;

    public sealed record NotFound : AnswerOneClickRequestOutcome;

    /// <summary>Only a gateway administrator answers a request.</summary>
    public sealed record NotAllowed : AnswerOneClickRequestOutcome;
}

/// <summary>A gateway administrator approves a shop's One Click request (One Click is on) or refuses it (the merchant may ask again).</summary>
public sealed class AnswerOneClickRequest(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate)
{
    public const string ApproveAction = "shop.oneclick.approve";

    public const string RefuseAction = "shop.oneclick.refuse";

    public async Task<AnswerOneClickRequestOutcome> RunAsync(int? shopId, bool approve, CancellationToken cancellationToken)
    {
        if (!staff.IsAdministrator)
        {
            return new AnswerOneClickRequestOutcome.NotAllowed();
        }

        var shop = shopId is { } id ? await ShopScope.FindAsync(db, staff, id, cancellationToken) : null;
        if (shop is null)
        {
            return new AnswerOneClickRequestOutcome.NotFound();
        }

        var before = ShopWords.Describe(shop.OneClickStatus);
        try
        {
            if (approve)
            {
                shop.ApproveOneClick();
            }
            else
            {
                shop.RefuseOneClick();
            }
        }
        catch (InvalidOperationException ex)
        {
            ShopScope.Forget(db, shop);
            return new AnswerOneClickRequestOutcome.NotPending(shop.Id, shop.Name, ex.Message);
        }

        await audit.RecordAsync(approve ? ApproveAction : RefuseAction, ShopWords.Subject(shop.Id), shop.MerchantId,
            new { oneClick = before }, new { oneClick = ShopWords.Describe(shop.OneClickStatus) });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new AnswerOneClickRequestOutcome.Answered(shop.Id, shop.Name, approve);
    }
}
