using System.Globalization;
using OneClick.Core;
using OneClick.Core.Customers;
using OneClick.Core.Sales;

namespace OneClick.Web.Features.BackOffice.Customers;

/// <summary>How the Customers pages put statuses, results and amounts into words for merchant staff.</summary>
public static class CustomerWords
{
    /// <summary>Why a merchant's person cannot change a customer of a union shared with other merchants.</summary>
    public const string SharedUnion = "This customer is shared with other merchants' shops (a customer union), so only a gateway administrator can change them.";

    public static string Explained(CustomerStatus status) => status switch
    {
        CustomerStatus.Member => "Member: has a saved card; One Click is offered.",
        CustomerStatus.Deny => "Deny: no offer to remember a card, no saved cards shown, no oneClickToken issued.",
        _ => "New: no saved card yet.",
    };

    public static string Result(SaleResult result) => result switch
    {
        SaleResult.Error => "Error (nothing charged)",
        _ => result.ToString(),
    };

    public static string Amounts(IReadOnlyList<Money> amounts) => amounts.Count == 0 ? "—" : string.Join(", ", amounts);

    /// <summary>A time as the back-office shows it: UTC, to the minute.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
