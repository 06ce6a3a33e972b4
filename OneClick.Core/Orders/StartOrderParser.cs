using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OneClick.Core.Customers;
using OneClick.Core.Protocol;
using OneClick.Core.Shops;
using OneClick.Core.Signatures;

namespace OneClick.Core.Orders;

/// <summary>
/// Reads a startorder request in the order docs/protocol.md sections 2 and 3 require: first its shape
/// (the names it reads, each once; a shop to verify against), then the signature, then every value.
/// Parameters outside its names are ignored entirely (section 2): FlexPay's libraries pass them unsigned.
/// </summary>
public static partial class StartOrderParser
{
    public static readonly IReadOnlyList<string> Versions = ["3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "4"];

    public const decimal MaxAmount = 1_000_000m;

    /// <summary>
    /// The parameters of section 3. <c>language</c> is unsigned: it changes only what the buyer reads.
    /// </summary>
    public static readonly SignedRequestNames Names = new(
    [
        "version", "shopID", "type", "priceAmount", "priceCurrency", "description", "paymentMethod",
        "referenceID", "custom1", "custom2", "custom3", "backURL", "successURL", "declineURL", "email",
        "customerNumber", "oneClickToken", "language", "signature",
    ]);

    /// <summary>Step 1: the parameter names and the shop id. Needs no shop and no key.</summary>
    public static StartOrderEnvelope ReadEnvelope(IEnumerable<KeyValuePair<string, string>> raw)
    {
        var (values, shopId, errors, misspelt) = SignedRequest.ReadEnvelope(raw, Names, "startorder");
        if (Get(values, "backURL") is not null && Get(values, "successURL") is not null)
        {
            errors.Insert(errors.FindIndex(e => e.Parameter is "shopID" or "signature") is var at and >= 0 ? at : errors.Count,
                new("successURL", "is an alias of backURL: send one of them, not both."));
        }

        return new StartOrderEnvelope(values, shopId, errors, misspelt);
    }

    /// <summary>Step 3, after the signature matched: every value against its rule and the shop.</summary>
    public static (StartOrderRequest? Request, IReadOnlyList<ParameterError> Errors) Validate(StartOrderEnvelope envelope, Shop shop)
    {
        var v = envelope.Values;
        var errors = new List<ParameterError>();

        var version = Get(v, "version");
        if (version is null)
        {
            errors.Add(new("version", $"is required: one of {string.Join(", ", Versions)}."));
        }
        else if (!Versions.Contains(version, StringComparer.Ordinal))
        {
            errors.Add(new("version", $"must be one of {string.Join(", ", Versions)}, not '{Shorten(version)}'."));
        }

        var type = Get(v, "type");
        if (type is null)
        {
            errors.Add(new("type", "is required: purchase."));
        }
        else if (type != "purchase")
        {
            errors.Add(new("type", $"must be 'purchase', not '{Shorten(type)}'."));
        }

        decimal amount = 0;
        var amountText = Get(v, "priceAmount");
        if (amountText is null)
        {
            errors.Add(new("priceAmount", "is required: the price, e.g. 9.99."));
        }
        else if (!AmountPattern().IsMatch(amountText) || !decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
        {
            errors.Add(new("priceAmount", $"must be a number with '.' as the decimal separator and at most 2 decimals, e.g. 9.99, not '{Shorten(amountText)}'."));
        }
        else if (amount <= 0)
        {
            errors.Add(new("priceAmount", "must be greater than 0."));
        }
        else if (amount > MaxAmount)
        {
            errors.Add(new("priceAmount", "must be at most 1000000.00."));
        }

        var currency = Get(v, "priceCurrency");
        if (currency is null)
        {
            errors.Add(new("priceCurrency", $"is required: one of {string.Join(", ", shop.Currencies)}."));
        }
        else if (!shop.AcceptsCurrency(currency))
        {
            errors.Add(new("priceCurrency", $"must be one of this shop's currencies ({string.Join(", ", shop.Currencies)}), not '{Shorten(currency)}'. Codes are upper-case ISO 4217."));
        }

        var description = Get(v, "description");
        if (description is null)
        {
            errors.Add(new("description", "is required: 1 to 100 characters that tell the buyer what they pay for."));
        }
        else
        {
            CheckText(errors, "description", description, 100);
            if (string.IsNullOrWhiteSpace(description))
            {
                errors.Add(new("description", "must not be blank."));
            }
        }

        PaymentMethod? method = null;
        var methodText = Get(v, "paymentMethod");
        if (methodText is not null)
        {
            method = methodText switch
            {
                "CC" => PaymentMethod.CC,
                "DDEU" => PaymentMethod.DDEU,
                "BTC" => PaymentMethod.BTC,
                _ => null,
            };
            if (method is null)
            {
                errors.Add(new("paymentMethod", $"must be one of CC, DDEU, BTC, not '{Shorten(methodText)}'."));
            }
        }

        var referenceId = Get(v, "referenceID");
        if (referenceId is not null)
        {
            CheckText(errors, "referenceID", referenceId, 64);
        }

        var custom = new string?[3];
        for (var i = 0; i < 3; i++)
        {
            var name = $"custom{i + 1}";
            custom[i] = Get(v, name);
            if (custom[i] is not null)
            {
                CheckText(errors, name, custom[i]!, 255);
            }
        }

        var backName = Get(v, "backURL") is not null ? "backURL" : "successURL";
        var backUrl = CheckUrl(errors, backName, Get(v, backName), shop);
        var declineUrl = CheckUrl(errors, "declineURL", Get(v, "declineURL"), shop);

        var email = Get(v, "email");
        if (email is not null)
        {
            if (email.Length > 100)
            {
                errors.Add(new("email", "must be at most 100 characters."));
            }
            else if (!IsEmailAddress(email))
            {
                errors.Add(new("email", $"must be an e-mail address such as buyer@example.com, not '{Shorten(email)}'."));
            }
        }

        var customerNumber = Get(v, "customerNumber");
        if (customerNumber is not null && !Customer.IsValidNumber(customerNumber))
        {
            errors.Add(new("customerNumber", "must be 1 to 32 characters of A-Z, a-z, 0-9, '.', '_' and '-'."));
        }

        var token = Get(v, "oneClickToken");
        if (token is not null)
        {
            if (version is not null && Versions.Contains(version) && string.CompareOrdinal(version, "3.2") < 0)
            {
                errors.Add(new("oneClickToken", "needs version 3.2 or later."));
            }
            else if (token.Length > 128 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                errors.Add(new("oneClickToken", "is malformed: send the token exactly as the gateway gave it."));
            }
        }

        if ((token is not null || customerNumber is not null) && method is not null and not PaymentMethod.CC)
        {
            errors.Add(new("paymentMethod", "must be CC or left out when oneClickToken or customerNumber is sent."));
        }

        if (method is PaymentMethod.DDEU or PaymentMethod.BTC)
        {
            errors.Add(new("paymentMethod", $"{method} is not offered by this gateway yet: use CC or leave paymentMethod out."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new StartOrderRequest(
            version!, shop.Id, new Money(amount, currency!), description!, method, referenceId,
            custom[0], custom[1], custom[2], backUrl, declineUrl, email, customerNumber, token, BuyerLanguage.Parse(Get(v, "language"))), errors);
    }

    internal static string? Get(IReadOnlyDictionary<string, string> values, string name) => SignedRequest.Get(values, name);

    internal static void CheckText(List<ParameterError> errors, string name, string value, int maxLength)
    {
        if (!IsWellFormed(value))
        {
            errors.Add(new(name, "is not valid UTF-8 text."));
        }
        else if (value.EnumerateRunes().Count() > maxLength)
        {
            errors.Add(new(name, $"must be at most {maxLength} characters."));
        }
        else if (value.EnumerateRunes().Any(r => Rune.IsControl(r)))
        {
            errors.Add(new(name, "must not contain control characters such as line breaks or tabs."));
        }
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]) || value[i] == '\uFFFD')
            {
                // U+FFFD is what a bad byte sequence decodes to: the sender's encoding was not UTF-8.
                return false;
            }
        }

        return true;
    }

    internal static Uri? CheckUrl(List<ParameterError> errors, string name, string? value, Shop shop, IReadOnlySet<string>? reservedNames = null)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > 2048)
        {
            errors.Add(new(name, "must be at most 2048 characters."));
            return null;
        }

        if (value.Trim() != value || value.Any(char.IsWhiteSpace)
            || !Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(new(name, "must be an absolute http or https URL, e.g. https://shop.example/thanks."));
            return null;
        }

        if (!string.IsNullOrEmpty(url.UserInfo) || Authority(value).Contains('@', StringComparison.Ordinal))
        {
            errors.Add(new(name, "must not contain a user name or password."));
            return null;
        }

        if (!shop.MayRedirectTo(url))
        {
            errors.Add(new(name, $"points to host '{Shorten(url.IsDefaultPort ? url.IdnHost : url.IdnHost + ":" + url.Port.ToString(CultureInfo.InvariantCulture))}', which is not one of this shop's allowed redirect hosts (a host alone allows ports 80 and 443 only). Add it, with its port, in the back-office, or use a URL on an allowed host."));
            return null;
        }

        // The gateway signs every parameter the merchant will receive on it, this URL's own ones too.
        if (Protocol.MerchantUrl.QueryProblem(url, reservedNames) is { } problem)
        {
            errors.Add(new(name, problem));
            return null;
        }

        return url;
    }

    /// <summary>The raw text between the scheme and the path, where user info would hide.</summary>
    private static string Authority(string url)
    {
        var start = url.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        var rest = url[(start + 2)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        return end < 0 ? rest : rest[..end];
    }

    private static bool IsEmailAddress(string value)
    {
        if (value.Any(char.IsWhiteSpace) || value.Count(c => c == '@') != 1)
        {
            return false;
        }

        return System.Net.Mail.MailAddress.TryCreate(value, out var address)
            && address.Address == value
            && address.Host.Contains('.', StringComparison.Ordinal);
    }

    /// <summary>Echoes at most 40 characters of a rejected value: enough to recognise it.</summary>
    internal static string Shorten(string value) => SignedRequest.Shorten(value);

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,6})(\.[0-9]{1,2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();
}

/// <summary>A startorder request read as far as it can be without the shop's key.</summary>
/// <param name="Misspelt">Defined names that came in other letters and were ignored, in their known spelling.</param>
public sealed record StartOrderEnvelope(
    IReadOnlyDictionary<string, string> Values,
    int? ShopId,
    IReadOnlyList<ParameterError> Errors,
    IReadOnlyList<string> Misspelt)
{
    public string? Signature => StartOrderParser.Get(Values, "signature");
}
