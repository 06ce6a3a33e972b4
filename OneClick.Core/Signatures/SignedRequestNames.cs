namespace OneClick.Core.Signatures;

/// <summary>
/// Which parameters of a merchant request the gateway reads, and which of those its signature
/// covers (docs/protocol.md section 2): the names the protocol defines for the request, together with
/// the names FlexPay's client libraries sign. Any other parameter is ignored entirely, so that a
/// library or plug-in that passes extra fields unsigned (e.g. <c>origin</c>) still works.
/// </summary>
public sealed class SignedRequestNames
{
    /// <summary>The fixed list of names that FlexPay's client libraries (PHP 5.x, flexpay4j, Perl) sign.</summary>
    public static readonly IReadOnlyList<string> FlexPayClientNames =
    [
        "version", "shopID", "priceAmount", "priceCurrency", "paymentMethod", "description", "referenceID",
        "saleID", "custom1", "custom2", "custom3", "subscriptionType", "period", "name", "trialAmount",
        "trialPeriod", "cancelDiscountPercentage", "type", "successURL", "declineURL", "precedingSaleID",
        "upgradeOption", "mcc", "subCreditorName", "subCreditorId", "subCreditorCountry",
    ];

    /// <summary>Names a request may define that are never signed: the signature itself, and fields a client passes unsigned.</summary>
    public static readonly IReadOnlySet<string> NeverSigned = new HashSet<string>(StringComparer.Ordinal)
    {
        "signature", "email", "oneClickToken", "language",
    };

    private readonly HashSet<string> defined;
    private readonly HashSet<string> signed;

    /// <param name="definedNames">The names the protocol defines for this request, unsigned ones included.</param>
    public SignedRequestNames(IEnumerable<string> definedNames)
    {
        ArgumentNullException.ThrowIfNull(definedNames);
        Defined = [.. definedNames];
        defined = new HashSet<string>(Defined, StringComparer.Ordinal);
        Read = [.. Defined.Concat(FlexPayClientNames).Distinct(StringComparer.Ordinal)];
        signed = new HashSet<string>(Read.Where(n => !NeverSigned.Contains(n)), StringComparer.Ordinal);
    }

    /// <summary>The names the protocol defines for this request: the ones it acts on.</summary>
    public IReadOnlyList<string> Defined { get; }

    /// <summary>Every name the gateway reads (and refuses when repeated): the defined ones and FlexPay's signed list.</summary>
    public IReadOnlyList<string> Read { get; }

    public bool IsDefined(string name) => defined.Contains(name);

    public bool IsRead(string name) => IsDefined(name) || signed.Contains(name);

    public bool IsSigned(string name) => signed.Contains(name);

    /// <summary>The pairs a request's signature covers: the signed names that carry a value.</summary>
    public IEnumerable<KeyValuePair<string, string>> Covered(IEnumerable<KeyValuePair<string, string>> parameters) =>
        parameters.Where(p => IsSigned(p.Key) && !string.IsNullOrEmpty(p.Value));
}
