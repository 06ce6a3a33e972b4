using System.Globalization;
using OneClick.Core.Shops;

namespace OneClick.Web.Features.BackOffice.Shops;

/// <summary>
/// A new shop as typed: every field is text, so that a bad value stays on the page with its message
/// instead of being lost to a binding error.
/// </summary>
public sealed class ShopCreationForm
{
    /// <summary>The protocol's shopID, chosen by the merchant: their integration already carries it.</summary>
    public string? ShopId { get; set; }

    public string? Name { get; set; }

    public string? WebsiteUrl { get; set; }

    /// <summary>Only an administrator chooses the merchant; an owner's shop is always their own merchant's.</summary>
    public string? MerchantId { get; set; }

    /// <summary>The checked values, or the message of each field that is not valid, keyed by field.</summary>
    public (int ShopId, string Name, Uri WebsiteUrl, int? MerchantId, Dictionary<string, string> Errors) Read(bool choosesMerchant)
    {
        var errors = new Dictionary<string, string>();

        if (!int.TryParse(ShopId?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var shopId) || shopId <= 0)
        {
            errors[nameof(ShopId)] = "Enter the shopID as a whole number above zero, such as 64234.";
        }

        var name = Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors[nameof(Name)] = "Enter the shop's name.";
        }
        else if (name.Length > Shop.MaxNameLength)
        {
            errors[nameof(Name)] = $"The name has at most {Shop.MaxNameLength} characters.";
        }

        var website = Uri.TryCreate(WebsiteUrl?.Trim(), UriKind.Absolute, out var url)
            && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && url.Host.Length > 0
                ? url
                : null;
        if (website is null)
        {
            errors[nameof(WebsiteUrl)] = "Enter the shop's address, such as https://shop.example.com/.";
        }

        int? merchantId = null;
        if (choosesMerchant)
        {
            if (int.TryParse(MerchantId, NumberStyles.None, CultureInfo.InvariantCulture, out var chosen))
            {
                merchantId = chosen;
            }
            else
            {
                errors[nameof(MerchantId)] = "Choose the merchant the shop belongs to.";
            }
        }

        return (shopId, name, website!, merchantId, errors);
    }
}
