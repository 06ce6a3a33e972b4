namespace OneClick.Web.Hosting;

/// <summary>The <c>OneClick</c> configuration section (docs/protocol.md section 9, README "Configuration").</summary>
public sealed class OneClickOptions
{
    public const string Section = "OneClick";

    /// <summary>Folder for the SQLite databases and generated keys; relative paths start at the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    public SeedOptions Seed { get; set; } = new();

    public DemoShopOptions DemoShop { get; set; } = new();

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>How commits meet the disk (decision 022).</summary>
    public OneClick.Web.Persistence.DatabaseOptions Database { get; set; } = new();

    /// <summary>The reverse proxies whose forwarded headers count; none by default.</summary>
    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary>
    /// The gateway's address as people reach it (e.g. <c>https://pay.example.com</c>), for links in
    /// e-mails. Never taken from a request's Host header outside development: a forged host would put
    /// a password-reset link to someone else's site into a real e-mail.
    /// </summary>
    public string? PublicUrl { get; set; }
}

/// <summary>The demo merchant and shop created at start, so that a person or an outside test can pay at once.</summary>
public sealed class SeedOptions
{
    /// <summary>Seed also outside Development (an outside test that starts a production-like gateway).</summary>
    public bool Enabled { get; set; }

    public string MerchantName { get; set; } = "Demo Merchant";

    public string ShopName { get; set; } = "Demo Shop";

    public int ShopId { get; set; } = 1000;

    /// <summary>Left empty, a key is generated once and kept in the database.</summary>
    public string? SignatureKey { get; set; }

    /// <summary>Left empty: the demo shop's page when it runs, else <see cref="DefaultWebsiteUrl"/>.</summary>
    public string? WebsiteUrl { get; set; }

    public const string DefaultWebsiteUrl = "http://localhost:5090/";

    public string? SuccessUrl { get; set; }

    public string? DeclineUrl { get; set; }

    public string? PostbackUrl { get; set; }

    public List<string> AllowedRedirectHosts { get; set; } = [];

    public bool OneClickEnabled { get; set; }

    public bool AcceptLegacySha1 { get; set; }

    /// <summary>The order page asks for a billing address (and an instant one-click shows it instead).</summary>
    public bool RequireBillingAddress { get; set; }

    public string? ApiKey { get; set; }

    public string? OwnerEmail { get; set; }

    public string? OwnerPassword { get; set; }

    /// <summary>A gateway administrator's log-in for the back-office.</summary>
    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }
}

/// <summary>The demo merchant shop that the gateway starts next to itself (README "Demo shop").</summary>
public sealed class DemoShopOptions
{
    public const string DefaultUrl = "http://localhost:5090";

    /// <summary>Unset: on in Development, off elsewhere, so that production serves no demo unless asked to.</summary>
    public bool? Enabled { get; set; }

    public string Url { get; set; } = DefaultUrl;

    public bool IsEnabledIn(IHostEnvironment environment) => Enabled ?? environment.IsDevelopment();

    /// <summary><see cref="Url"/> without a trailing slash, ready for paths to be appended.</summary>
    public string BaseUrl => (string.IsNullOrWhiteSpace(Url) ? DefaultUrl : Url).Trim().TrimEnd('/');
}

/// <summary>
/// Rate limits (README "Configuration", docs/decisions/015-rate-limits.md): fixed windows that start at
/// a client's (or shop's) first request; "client" is the address (an IPv6 address by its /64). The
/// benchmark and tests raise them.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>startorder and salestatus requests together, per client address per minute.</summary>
    public int StartOrderPerMinute { get; set; } = 120;

    /// <summary>startorder and salestatus requests together, per shop per minute (counted once the signature holds).</summary>
    public int StartOrderPerShopPerMinute { get; set; } = 6000;

    /// <summary>Payment posts on the order pages (card entry, 3-D Secure), per client address per minute.</summary>
    public int PaymentPerMinute { get; set; } = 30;

    /// <summary><c>/api/v1</c> requests, with or without a valid key, per client address per minute.</summary>
    public int ApiPerMinute { get; set; } = 1200;

    /// <summary><c>/api/v1</c> requests per shop (the API key's) per minute.</summary>
    public int ApiPerShopPerMinute { get; set; } = 3000;

    /// <summary>
    /// Unknown oneClickTokens (no token ever had them: guesses), per client address per hour. Used,
    /// expired or another browser's tokens were real ones and do not count: a buyer behind a shared
    /// address may bring a stale one.
    /// </summary>
    public int UnknownTokensPerHour { get; set; } = 20;

    /// <summary>Back-office sign-in, two-factor code, forgot-password and reset-password posts, per client address per minute.</summary>
    public int SignInPerMinute { get; set; } = 30;
}
