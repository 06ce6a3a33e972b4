using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OneClick.Core.Orders;
using OneClick.Core.Protocol;
using OneClick.Core.Signatures;

namespace OneClick.Web.Features.SaleStatus;

/// <summary>
/// Reads a salestatus request (docs/protocol.md section 6) in the order startorder is read: first its
/// shape (the names it reads, each once; a shop to verify against), then the signature, then every
/// value. Parameters outside its names are ignored entirely (section 2).
/// </summary>
public static partial class SaleStatusParser
{
    public const int MaxReferenceIdLength = 64;

    /// <summary>The parameters of section 6; FlexPay's signed list adds names that are signed and otherwise ignored.</summary>
    public static readonly SignedRequestNames Names = new(["shopID", "version", "saleID", "referenceID", "signature"]);

    /// <summary>Step 1: the parameter names and the shop id. Needs no shop and no key.</summary>
    public static SaleStatusEnvelope ReadEnvelope(IEnumerable<KeyValuePair<string, string>> raw)
    {
        var (values, shopId, errors, misspelt) = SignedRequest.ReadEnvelope(raw, Names, "salestatus");
        return new SaleStatusEnvelope(values, shopId, errors, misspelt);
    }

    /// <summary>Step 3, after the signature matched: every value against its rule.</summary>
    public static (SaleStatusRequest? Request, IReadOnlyList<ParameterError> Errors) Validate(SaleStatusEnvelope envelope)
    {
        var v = envelope.Values;
        var errors = new List<ParameterError>();

        var version = Get(v, "version");
        if (version is null)
        {
            errors.Add(new("version", $"is required: one of {string.Join(", ", StartOrderParser.Versions)}."));
        }
        else if (!StartOrderParser.Versions.Contains(version, StringComparer.Ordinal))
        {
            errors.Add(new("version", $"must be one of {string.Join(", ", StartOrderParser.Versions)}, not '{Shorten(version)}'."));
        }

        var saleText = Get(v, "saleID");
        var referenceId = Get(v, "referenceID");
        long? saleId = null;
        if (saleText is null && referenceId is null)
        {
            errors.Add(new("saleID", "or referenceID is required: send the saleID of the sale, or the referenceID of its order."));
        }
        else if (saleText is not null && referenceId is not null)
        {
            errors.Add(new("referenceID", "cannot be sent together with saleID: send one of them, not both."));
        }
        else if (saleText is not null)
        {
            if (SaleIdPattern().IsMatch(saleText) && long.TryParse(saleText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                saleId = parsed;
            }
            else
            {
                errors.Add(new("saleID", $"must be a whole number (the saleID of the OK data), not '{Shorten(saleText)}'."));
            }
        }
        else if (CheckReferenceId(referenceId!) is { } problem)
        {
            errors.Add(new("referenceID", problem));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new SaleStatusRequest(envelope.ShopId!.Value, version!, saleId, saleId is null ? referenceId : null), errors);
    }

    /// <summary>Echoes at most 40 characters; a line break cannot forge a line of the answer.</summary>
    public static string Shorten(string value) => SignedRequest.Shorten(value);

    internal static string? Get(IReadOnlyDictionary<string, string> values, string name) => SignedRequest.Get(values, name);

    /// <summary>The rules a referenceID was given under at startorder: anything else names no order.</summary>
    private static string? CheckReferenceId(string value)
    {
        // A bad byte sequence decodes to U+FFFD (as does a lone surrogate): the sender's encoding was not UTF-8.
        if (value.EnumerateRunes().Any(r => r == Rune.ReplacementChar))
        {
            return "is not valid UTF-8 text.";
        }

        if (value.EnumerateRunes().Count() > MaxReferenceIdLength)
        {
            return $"must be at most {MaxReferenceIdLength} characters.";
        }

        if (value.EnumerateRunes().Any(Rune.IsControl))
        {
            return "must not contain control characters such as line breaks or tabs.";
        }

        return null;
    }

    [GeneratedRegex(@"^[1-9][0-9]{0,18}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SaleIdPattern();
}

/// <summary>A salestatus request read as far as it can be without the shop's key.</summary>
/// <param name="Misspelt">Defined names that came in other letters and were ignored, in their known spelling.</param>
public sealed record SaleStatusEnvelope(
    IReadOnlyDictionary<string, string> Values,
    int? ShopId,
    IReadOnlyList<ParameterError> Errors,
    IReadOnlyList<string> Misspelt)
{
    public string? Signature => SaleStatusParser.Get(Values, "signature");
}

/// <summary>A salestatus request whose shape, signature and values have been checked: exactly one of saleID or referenceID.</summary>
public sealed record SaleStatusRequest(int ShopId, string Version, long? SaleId, string? ReferenceId);
