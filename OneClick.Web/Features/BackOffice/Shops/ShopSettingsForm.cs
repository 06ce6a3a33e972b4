using System.Globalization;
using OneClick.Core.Postbacks;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;

namespace OneClick.Web.Features.BackOffice.Shops;

/// <summary>
/// A shop's settings as the owner edits them: every field is text as typed, so that a bad value is
/// kept on the page with its message instead of being lost to a binding error.
/// </summary>
public sealed class ShopSettingsForm
{
    public string? Name { get; set; }

    public string? WebsiteUrl { get; set; }

    public string? SuccessUrl { get; set; }

    public string? DeclineUrl { get; set; }

    public string? PostbackUrl { get; set; }

    /// <summary>One host per line.</summary>
    public string? AllowedRedirectHosts { get; set; }

    public bool AcceptLegacySha1 { get; set; }

    public string? SavedCardMinimumPayments { get; set; }

    /// <summary>Seconds separated by commas; blank for the default schedule.</summary>
    public string? PostbackRetrySchedule { get; set; }

    public bool RequiresBillingAddress { get; set; }

    /// <summary>One row per currency of the gateway: accepted or not, and its turnover limits.</summary>
    public List<CurrencySetting> Currencies { get; set; } = [];

    public sealed class CurrencySetting
    {
        public string? Code { get; set; }

        public bool Accepted { get; set; }

        public string? PerDay { get; set; }

        public string? PerWeek { get; set; }
    }

    public static ShopSettingsForm From(Shop shop) => new()
    {
        Name = shop.Name,
        WebsiteUrl = shop.WebsiteUrl,
        SuccessUrl = shop.SuccessUrl,
        DeclineUrl = shop.DeclineUrl,
        PostbackUrl = shop.PostbackUrl,
        AllowedRedirectHosts = string.Join('\n', shop.AllowedRedirectHosts),
        AcceptLegacySha1 = shop.AcceptLegacySha1,
        SavedCardMinimumPayments = shop.SavedCardMinimumPayments.ToString(CultureInfo.InvariantCulture),
        PostbackRetrySchedule = shop.PostbackRetrySchedule,
        RequiresBillingAddress = shop.RequiresBillingAddress,
        Currencies = [.. Shop.DefaultCurrencies.Select(code => new CurrencySetting
        {
            Code = code,
            Accepted = shop.AcceptsCurrency(code),
            PerDay = Amount(shop.TurnoverLimitFor(code)?.PerDay),
            PerWeek = Amount(shop.TurnoverLimitFor(code)?.PerWeek),
        })],
    };

    /// <summary>
    /// Applies every field to the (tracked) shop and returns the message of each field that is not
    /// valid, keyed by field. The caller saves only when there are none: a shop half-changed by a
    /// refused form is never written.
    /// </summary>
    public Dictionary<string, string> ApplyTo(Shop shop)
    {
        var errors = new Dictionary<string, string>();

        if (string.IsNullOrWhiteSpace(Name))
        {
            errors[nameof(Name)] = "Enter the shop's name.";
        }
        else if (Name.Trim().Length > Shop.MaxNameLength)
        {
            errors[nameof(Name)] = $"The name has at most {Shop.MaxNameLength} characters.";
        }
        else
        {
            shop.Rename(Name);
        }

        if (HttpUrl(WebsiteUrl) is not { } website)
        {
            errors[nameof(WebsiteUrl)] = "Enter the shop's address, such as https://shop.example.com/.";
        }
        else if (OneClick.Core.Protocol.MerchantUrl.QueryProblem(website) is { } problem)
        {
            errors[nameof(WebsiteUrl)] = "The address " + problem;
        }
        else
        {
            shop.SetWebsiteUrl(website);
        }

        var success = OptionalUrl(SuccessUrl, nameof(SuccessUrl), errors);
        var decline = OptionalUrl(DeclineUrl, nameof(DeclineUrl), errors);
        var postback = OptionalUrl(PostbackUrl, nameof(PostbackUrl), errors);
        if (postback is not null && postback.AbsoluteUri != shop.PostbackUrl && PointsInside(postback))
        {
            // The gateway calls this address and shows what it answers: an owner never points it inside
            // the gateway's own network (an operator's configured address stays as it is).
            errors[nameof(PostbackUrl)] = "The postback address must be a public one: not localhost, nor a private, loopback or link-local IP address.";
        }
        if (!errors.ContainsKey(nameof(SuccessUrl)) && !errors.ContainsKey(nameof(DeclineUrl)) && !errors.ContainsKey(nameof(PostbackUrl)))
        {
            shop.SetUrls(success, decline, postback);
        }

        ApplyHosts(shop, errors);
        shop.SetLegacySha1(AcceptLegacySha1);
        shop.RequireBillingAddress(RequiresBillingAddress);

        if (int.TryParse(SavedCardMinimumPayments?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minimum)
            && minimum is >= 1 and <= Shop.MaxSavedCardMinimumPayments)
        {
            shop.SetSavedCardMinimumPayments(minimum);
        }
        else
        {
            errors[nameof(SavedCardMinimumPayments)] = $"Enter a whole number from 1 to {Shop.MaxSavedCardMinimumPayments}.";
        }

        try
        {
            var schedule = RetrySchedule.Parse(PostbackRetrySchedule);
            shop.SetRetrySchedule(schedule);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            errors[nameof(PostbackRetrySchedule)] = "Enter the waits in seconds separated by commas, such as 60,300,1800: 1 to 20 waits, each at most 7 days (604800 seconds). Leave blank for the default.";
        }

        ApplyCurrencies(shop, errors);
        return errors;
    }

    /// <summary>The field's key in <see cref="ApplyTo"/>'s messages for a currency's limits.</summary>
    public static string LimitField(string? code) => $"Limit.{code}";

    /// <summary>What the audit trail records: every setting in words (never a key).</summary>
    public static Dictionary<string, string?> Snapshot(Shop shop) => new()
    {
        ["name"] = shop.Name,
        ["websiteUrl"] = shop.WebsiteUrl,
        ["successUrl"] = shop.SuccessUrl,
        ["declineUrl"] = shop.DeclineUrl,
        ["postbackUrl"] = shop.PostbackUrl,
        ["allowedRedirectHosts"] = string.Join(' ', shop.AllowedRedirectHosts),
        ["currencies"] = string.Join(' ', shop.Currencies),
        ["acceptLegacySha1"] = shop.AcceptLegacySha1 ? "on" : "off",
        ["savedCardMinimumPayments"] = shop.SavedCardMinimumPayments.ToString(CultureInfo.InvariantCulture),
        ["turnoverLimits"] = string.Join("; ", shop.TurnoverLimits.OrderBy(l => l.Currency, StringComparer.Ordinal)
            .Select(l => $"{l.Currency} day {Amount(l.PerDay) ?? "-"} week {Amount(l.PerWeek) ?? "-"}")),
        ["postbackRetrySchedule"] = shop.RetrySchedule.ToString(),
        ["requiresBillingAddress"] = shop.RequiresBillingAddress ? "on" : "off",
    };

    private void ApplyHosts(Shop shop, Dictionary<string, string> errors)
    {
        var hosts = (AllowedRedirectHosts ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // One at a time first, so that the message names the line that is wrong.
        foreach (var host in hosts)
        {
            try
            {
                shop.SetAllowedRedirectHosts([host]);
            }
            catch (ArgumentException)
            {
                errors[nameof(AllowedRedirectHosts)] = $"'{host}' is not a host name or origin. Put one per line: shop.example.com (ports 80 and 443), shop.example.com:8443, or https://shop.example.com:8443 (no path).";
                return;
            }
        }

        shop.SetAllowedRedirectHosts(hosts);
    }

    private void ApplyCurrencies(Shop shop, Dictionary<string, string> errors)
    {
        var rows = Currencies.Where(c => c.Code is not null && Shop.DefaultCurrencies.Contains(c.Code, StringComparer.Ordinal)).ToList();
        var accepted = rows.Where(c => c.Accepted).Select(c => c.Code!).ToList();
        if (accepted.Count == 0)
        {
            errors[nameof(Currencies)] = "Tick at least one currency.";
        }
        else
        {
            shop.SetCurrencies(accepted);
        }

        foreach (var row in rows)
        {
            var field = LimitField(row.Code);
            var perDay = Cap(row.PerDay, out var dayOk);
            var perWeek = Cap(row.PerWeek, out var weekOk);
            if (!dayOk || !weekOk)
            {
                errors[field] = "Enter an amount above zero with at most 2 decimals, such as 500.00, or leave blank for no limit.";
            }
            else if (!row.Accepted)
            {
                if (perDay is not null || perWeek is not null)
                {
                    errors[field] = $"Tick {row.Code} to set its limits, or leave them blank.";
                }
            }
            else if (perDay > perWeek)
            {
                errors[field] = "The limit per day cannot be above the limit per week.";
            }
            else if (shop.AcceptsCurrency(row.Code!))
            {
                shop.SetTurnoverLimit(row.Code!, perDay, perWeek);
            }
        }
    }

    private static decimal? Cap(string? text, out bool valid)
    {
        valid = true;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            && TurnoverLimit.IsValidCap(amount))
        {
            return amount;
        }

        valid = false;
        return null;
    }

    private static Uri? OptionalUrl(string? text, string field, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var url = HttpUrl(text);
        if (url is null)
        {
            errors[field] = "Enter a full address starting with https:// or http://, or leave blank.";
        }
        else if (OneClick.Core.Protocol.MerchantUrl.QueryProblem(url) is { } problem)
        {
            // The gateway signs every parameter this address receives, its own query's too.
            errors[field] = "The address " + problem;
        }

        return url;
    }

    /// <summary>A loopback, private, link-local or unspecified address, by name or literal IP.</summary>
    internal static bool PointsInside(Uri url) => OneClick.Core.Protocol.MerchantUrl.PointsInside(url);

    private static Uri? HttpUrl(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && url.Host.Length > 0
            ? url
            : null;

    private static string? Amount(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture);
}
