using Microsoft.EntityFrameworkCore;
using OneClick.Core.Orders;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Checkout.Localization;

/// <summary>What became of a buyer's choice of language: Chosen, or why not.</summary>
public enum ChooseOrderLanguageOutcome
{
    Chosen,
    UnknownLanguage,
    UnknownOrder,
}

/// <summary>The buyer picks a language from the order page's menu: the order's pages and e-mails follow it.</summary>
public sealed class ChooseOrderLanguage(OneClickDbContext db)
{
    public async Task<ChooseOrderLanguageOutcome> RunAsync(string orderId, string? language, CancellationToken cancellationToken)
    {
        if (BuyerLanguage.Parse(language) is not { } chosen)
        {
            return ChooseOrderLanguageOutcome.UnknownLanguage;
        }

        // One statement that neither reads nor moves the order's stamp: a payment in flight and this
        // choice never refuse each other, and the order's state is not touched.
        var changed = await db.Orders.Where(o => o.Id == orderId)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.Language, chosen), cancellationToken);
        return changed == 0 ? ChooseOrderLanguageOutcome.UnknownOrder : ChooseOrderLanguageOutcome.Chosen;
    }
}
