using System.Globalization;
using OneClick.Core.Shops;

namespace OneClick.Web.Features.BackOffice.Shops;

/// <summary>How a shop's facts read in the back-office and in its audit entries.</summary>
public static class ShopWords
{
    public static string Describe(OneClickStatus status) => status switch
    {
        OneClickStatus.On => "On",
        OneClickStatus.Requested => "Requested",
        OneClickStatus.Refused => "Refused",
        _ => "Not requested",
    };

    /// <summary>The audit subject of a shop's changes.</summary>
    public static string Subject(int shopId) => $"shop {shopId.ToString(CultureInfo.InvariantCulture)}";

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
