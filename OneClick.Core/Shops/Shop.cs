using OneClick.Core.Customers;
using OneClick.Core.Wallets;

namespace OneClick.Core.Shops;

/// <summary>One website of a merchant, with its keys, URLs and settings (docs/protocol.md section 1).</summary>
public sealed class Shop
{
    public static readonly IReadOnlyList<string> DefaultCurrencies =
        ["USD", "EUR", "GBP", "AUD", "CAD", "CHF", "DKK", "NOK", "SEK"];

    /// <summary>The most a shop may ask before a saved card is offered (rule 5).</summary>
    public const int MaxSavedCardMinimumPayments = 100;

    public const int MaxNameLength = 200;

    private readonly List<ShopSignatureKey> signatureKeys = [];

    private readonly List<TurnoverLimit> turnoverLimits = [];

    private Shop()
    {
    }

    public Shop(int id, int merchantId, string name, Uri websiteUrl, DateTime createdAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Id = id;
        MerchantId = merchantId;
        Name = name;
        WebsiteUrl = RequireHttp(websiteUrl).AbsoluteUri;
        CreatedAt = createdAt;
        AllowedRedirectHosts = [RedirectEntryFor(websiteUrl)];
        Currencies = [.. DefaultCurrencies];
        // Each shop alone until an administrator joins it to a union.
        CustomerUnion = new CustomerUnion(name, createdAt);
    }

    /// <summary>The protocol's <c>shopID</c>.</summary>
    public int Id { get; private set; }

    public int MerchantId { get; private set; }

    public string Name { get; private set; } = "";

    public string WebsiteUrl { get; private set; } = "";

    public string? SuccessUrl { get; private set; }

    public string? DeclineUrl { get; private set; }

    public string? PostbackUrl { get; private set; }

    public List<string> AllowedRedirectHosts { get; private set; } = [];

    public List<string> Currencies { get; private set; } = [];

    public bool IsActive { get; private set; } = true;

    public bool AcceptLegacySha1 { get; private set; }

    public bool OneClickEnabled { get; private set; }

    /// <summary>The order page asks for a billing address; an instant one-click then shows the order page instead.</summary>
    public bool RequiresBillingAddress { get; private set; }

    public void RequireBillingAddress(bool required) => RequiresBillingAddress = required;

    public DateTime CreatedAt { get; private set; }

    /// <summary>The shops that share this shop's customer numbers and wallets.</summary>
    public int CustomerUnionId { get; private set; }

    public CustomerUnion? CustomerUnion { get; private set; }

    /// <summary>Successful payments a saved card needs before the order page offers it (rule 5; default 1).</summary>
    public int SavedCardMinimumPayments { get; private set; } = 1;

    /// <summary>Caps on a customer's one-click turnover, one per currency at most (rule 9).</summary>
    public IReadOnlyCollection<TurnoverLimit> TurnoverLimits => turnoverLimits;

    public void JoinUnion(CustomerUnion union)
    {
        ArgumentNullException.ThrowIfNull(union);
        CustomerUnion = union;
        CustomerUnionId = union.Id;
    }

    public void SetSavedCardMinimumPayments(int payments)
    {
        if (payments is < 1 or > MaxSavedCardMinimumPayments)
        {
            throw new ArgumentOutOfRangeException(nameof(payments), payments, $"A saved card needs 1 to {MaxSavedCardMinimumPayments} successful payments before it is offered.");
        }

        SavedCardMinimumPayments = payments;
    }

    /// <summary>Sets (or, with no caps, removes) the one-click turnover limit for one of the shop's currencies.</summary>
    public void SetTurnoverLimit(string currency, decimal? perDay, decimal? perWeek)
    {
        if (!AcceptsCurrency(currency))
        {
            throw new ArgumentException($"{currency} is not one of this shop's currencies.", nameof(currency));
        }

        turnoverLimits.RemoveAll(l => l.Currency == currency);
        if (perDay is not null || perWeek is not null)
        {
            turnoverLimits.Add(new TurnoverLimit(currency, perDay, perWeek));
        }
    }

    public TurnoverLimit? TurnoverLimitFor(string currency) => turnoverLimits.FirstOrDefault(l => l.Currency == currency);

    /// <summary>Seconds between failed postback deliveries, e.g. <c>60,300</c>; null for the default schedule.</summary>
    public string? PostbackRetrySchedule { get; private set; }

    public Postbacks.RetrySchedule RetrySchedule => Postbacks.RetrySchedule.Parse(PostbackRetrySchedule);

    public void SetRetrySchedule(Postbacks.RetrySchedule? schedule) =>
        PostbackRetrySchedule = schedule is null || schedule.ToString() == Postbacks.RetrySchedule.Default.ToString() ? null : schedule.ToString();

    public IReadOnlyCollection<ShopSignatureKey> SignatureKeys => signatureKeys;

    /// <summary>The keys that verify incoming signatures: at most two while a key is rotated.</summary>
    public IEnumerable<string> ActiveKeys => signatureKeys.Where(k => k.RetiredAt is null).Select(k => k.Secret);

    /// <summary>The newest active key signs what the gateway sends.</summary>
    public string SigningKey => signatureKeys
        .Select((key, index) => (key, index))
        .Where(k => k.key.RetiredAt is null)
        .OrderByDescending(k => k.key.CreatedAt).ThenByDescending(k => k.key.Id).ThenByDescending(k => k.index)
        .Select(k => k.key.Secret)
        .FirstOrDefault()
        ?? throw new InvalidOperationException($"Shop {Id} has no active signature key.");

    public void SetUrls(Uri? successUrl, Uri? declineUrl, Uri? postbackUrl)
    {
        SuccessUrl = successUrl is null ? null : RequireHttp(successUrl).AbsoluteUri;
        DeclineUrl = declineUrl is null ? null : RequireHttp(declineUrl).AbsoluteUri;
        PostbackUrl = postbackUrl is null ? null : RequireHttp(postbackUrl).AbsoluteUri;
    }

    public void SetAllowedRedirectHosts(IEnumerable<string> hosts)
    {
        AllowedRedirectHosts = hosts.Select(h => h.Trim()).Where(h => h.Length > 0).Select(RedirectEntry).Distinct().ToList();
    }

    public void Rename(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Trim().Length > MaxNameLength)
        {
            throw new ArgumentException($"A shop name has at most {MaxNameLength} characters.", nameof(name));
        }

        Name = name.Trim();
    }

    public void SetWebsiteUrl(Uri websiteUrl) => WebsiteUrl = RequireHttp(websiteUrl).AbsoluteUri;

    /// <summary>
    /// The currencies a startorder may use: one or more of <see cref="DefaultCurrencies"/> (those the
    /// gateway settles). A turnover limit of a currency no longer accepted goes with it.
    /// </summary>
    public void SetCurrencies(IEnumerable<string> currencies)
    {
        var chosen = currencies.Distinct(StringComparer.Ordinal).ToList();
        if (chosen.Count == 0)
        {
            throw new ArgumentException("A shop accepts at least one currency.", nameof(currencies));
        }

        if (chosen.FirstOrDefault(c => !DefaultCurrencies.Contains(c, StringComparer.Ordinal)) is { } unknown)
        {
            throw new ArgumentException($"{unknown} is not a currency the gateway accepts ({string.Join(' ', DefaultCurrencies)}).", nameof(currencies));
        }

        // Kept in the gateway's order, so that the list reads the same wherever it is shown.
        Currencies = [.. DefaultCurrencies.Where(chosen.Contains)];
        turnoverLimits.RemoveAll(l => !AcceptsCurrency(l.Currency));
    }

    public void SetLegacySha1(bool accept) => AcceptLegacySha1 = accept;

    /// <summary>The operator's switch (configuration, seed); switching on answers a pending request.</summary>
    public void SetOneClick(bool enabled)
    {
        OneClickEnabled = enabled;
        if (enabled && OneClickRequest == OneClickRequest.Requested)
        {
            OneClickRequest = OneClickRequest.Approved;
        }
    }

    /// <summary>The merchant's request for One Click; only an administrator answers it.</summary>
    public OneClickRequest OneClickRequest { get; private set; }

    public OneClickStatus OneClickStatus => StatusOf(OneClickEnabled, OneClickRequest);

    /// <summary>The status from its two stored columns, for a list that reads them without the shop.</summary>
    public static OneClickStatus StatusOf(bool oneClickEnabled, OneClickRequest request) => oneClickEnabled
        ? OneClickStatus.On
        : request switch
        {
            OneClickRequest.Requested => OneClickStatus.Requested,
            OneClickRequest.Refused => OneClickStatus.Refused,
            _ => OneClickStatus.NotRequested,
        };

    /// <summary>A merchant asks for One Click: not while it is on or already asked; again after a refusal.</summary>
    public void RequestOneClick()
    {
        if (OneClickEnabled)
        {
            throw new InvalidOperationException("One Click is already on for this shop.");
        }

        if (OneClickRequest == OneClickRequest.Requested)
        {
            throw new InvalidOperationException("One Click has already been requested for this shop.");
        }

        OneClickRequest = OneClickRequest.Requested;
    }

    /// <summary>An administrator grants a pending request: One Click is on.</summary>
    public void ApproveOneClick()
    {
        RequirePendingOneClickRequest();
        OneClickRequest = OneClickRequest.Approved;
        OneClickEnabled = true;
    }

    /// <summary>An administrator turns a pending request down: One Click stays off.</summary>
    public void RefuseOneClick()
    {
        RequirePendingOneClickRequest();
        OneClickRequest = OneClickRequest.Refused;
    }

    private void RequirePendingOneClickRequest()
    {
        if (OneClickRequest != OneClickRequest.Requested || OneClickEnabled)
        {
            throw new InvalidOperationException("This shop has no pending One Click request.");
        }
    }

    /// <summary>
    /// Adds a signing key. A shop holds at most two active keys: the old one keeps verifying while
    /// the merchant moves to the new one, and must be retired before the next rotation.
    /// </summary>
    public ShopSignatureKey AddSignatureKey(string secret, DateTime now)
    {
        if (signatureKeys.Count(k => k.RetiredAt is null) >= 2)
        {
            throw new InvalidOperationException("A shop holds at most two active signature keys: retire the older one first.");
        }

        var key = new ShopSignatureKey(secret, now);
        signatureKeys.Add(key);
        return key;
    }

    public void RetireSignatureKey(ShopSignatureKey key, DateTime now)
    {
        if (!signatureKeys.Contains(key))
        {
            throw new InvalidOperationException("The key is not one of this shop's.");
        }

        if (signatureKeys.Count(k => k.RetiredAt is null) < 2)
        {
            throw new InvalidOperationException("The last active signature key cannot be retired: add a new one first.");
        }

        key.Retire(now);
    }

    /// <summary>Puts a new key in the place of an active one at once (an operator's reset, not a rotation).</summary>
    public ShopSignatureKey AddSignatureKeyReplacing(ShopSignatureKey old, string secret, DateTime now)
    {
        if (!signatureKeys.Contains(old) || old.RetiredAt is not null)
        {
            throw new InvalidOperationException("Only an active key of this shop can be replaced.");
        }

        var key = new ShopSignatureKey(secret, now);
        old.Retire(now);
        signatureKeys.Add(key);
        return key;
    }

    public bool AcceptsCurrency(string currency) => Currencies.Contains(currency, StringComparer.Ordinal);

    /// <summary>
    /// Whether the gateway may send a buyer to this URL: http(s), no user info, an allowed entry. An
    /// entry is <c>host</c> (that host at any port), <c>host:port</c> (either scheme on that port) or
    /// <c>scheme://host:port</c> (exactly that origin); decision 019.
    /// </summary>
    public bool MayRedirectTo(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(url.UserInfo))
        {
            return false;
        }

        var bare = url.IdnHost.ToLowerInvariant().Trim('[', ']');
        var host = HostPart(bare);
        var port = url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A host alone is any port of it, as docs/protocol.md sections 3 and 9 name hosts.
        return AllowedRedirectHosts.Contains(bare, StringComparer.Ordinal)
            || AllowedRedirectHosts.Contains($"{host}:{port}", StringComparer.Ordinal)
            || AllowedRedirectHosts.Contains($"{url.Scheme}://{host}:{port}", StringComparer.Ordinal);
    }

    /// <summary>The allowed-redirect entry for a URL's origin: its host, with the port where not the scheme's default.</summary>
    public static string RedirectEntryFor(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = AsciiHost(url.IdnHost);
        return url.IsDefaultPort ? host : $"{HostPart(host)}:{url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>An allowed-redirect entry in its stored form: <c>host</c>, <c>host:port</c> or <c>scheme://host:port</c>.</summary>
    private static string RedirectEntry(string entry)
    {
        if (entry.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var origin) || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps)
                || !string.IsNullOrEmpty(origin.UserInfo) || origin.PathAndQuery != "/" || origin.Fragment.Length > 0 || entry.TrimEnd('/').EndsWith(':'))
            {
                throw new ArgumentException($"'{entry}' is not an origin such as https://shop.example:8443.", nameof(entry));
            }

            return $"{origin.Scheme}://{HostPart(CheckedHost(origin.IdnHost))}:{origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        // host:port, [IPv6]:port; a bare IPv6 address has more than one ':' and no port.
        var portAt = entry.LastIndexOf(':');
        var hasPort = portAt > 0 && (entry.StartsWith('[') ? entry[portAt - 1] == ']' : entry.IndexOf(':') == portAt);
        if (!hasPort)
        {
            return CheckedHost(entry);
        }

        if (!int.TryParse(entry[(portAt + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{entry}' has no port from 1 to 65535 after its ':'.", nameof(entry));
        }

        return $"{HostPart(CheckedHost(entry[..portAt]))}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static string CheckedHost(string host)
    {
        var ascii = AsciiHost(host);
        return Uri.CheckHostName(ascii) == UriHostNameType.Unknown ? throw new ArgumentException($"'{host}' is not a host name.", nameof(host)) : ascii;
    }

    /// <summary>A host as it stands before a port: an IPv6 address in brackets.</summary>
    private static string HostPart(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host.Trim('[', ']')}]" : host;

    /// <summary>Hosts are kept in their ASCII (IDN) form, the form <see cref="Uri.IdnHost"/> gives for comparison.</summary>
    private static string AsciiHost(string host)
    {
        // IPv6 literals compare without their brackets, as Uri.IdnHost gives them; a final dot names the same host.
        var bare = host.TrimStart('[').TrimEnd(']');
        if (Uri.CheckHostName(bare) is UriHostNameType.IPv6 or UriHostNameType.IPv4)
        {
            return bare.ToLowerInvariant();
        }

        try
        {
            return new System.Globalization.IdnMapping().GetAscii(host).ToLowerInvariant();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"'{host}' is not a host name.", nameof(host), ex);
        }
    }

    private static Uri RequireHttp(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? url
            : throw new ArgumentException($"'{url}' is not an absolute http(s) URL.", nameof(url));
}
