using Microsoft.Extensions.Options;
using MimeKit;

namespace OneClick.Web.Features.Notifications;

/// <summary>How the connection to the SMTP server is protected (decision 035).</summary>
public enum SmtpSecurity
{
    /// <summary>In clear: only for a relay on the same machine or a private network.</summary>
    None,

    /// <summary>STARTTLS, required: a server that does not offer it gets nothing, the e-mail fails and is tried again later.</summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it, else in clear.</summary>
    StartTlsWhenAvailable,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,
}

/// <summary>The <c>OneClick:Email</c> settings: SMTP through MailKit when a host is set, else .eml files in the data folder.</summary>
public sealed class EmailOptions
{
    public const string Section = "OneClick:Email";

    public string From { get; set; } = "OneClick <no-reply@oneclick.local>";

    public string? SmtpHost { get; set; }

    /// <summary>The server's port; when not set, 465 with <see cref="SmtpSecurity.Tls"/>, else 25.</summary>
    public int? SmtpPort { get; set; }

    public SmtpSecurity SmtpSecurity { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Authenticates (PLAIN, LOGIN or better, as the server offers) when set.</summary>
    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>
    /// The SHA-256 fingerprint (hex, colons or spaces allowed) of a server certificate to accept
    /// although it is not trusted by the machine (a relay's self-signed certificate). Any other
    /// certificate is still validated as usual.
    /// </summary>
    public string? SmtpServerCertificateThumbprint { get; set; }

    /// <summary>How long an SMTP server has to take an e-mail, from connecting to the end: a stalled one is cut off then.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What a node's claim on an e-mail lasts beyond <see cref="SendTimeout"/> (decision 029): time to record the result.</summary>
    public TimeSpan ClaimMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a node's claim on an e-mail lasts: past it, another node may send it.</summary>
    public TimeSpan ClaimLease => SendTimeout + ClaimMargin;

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(SmtpHost);

    public int Port => SmtpPort ?? (SmtpSecurity == SmtpSecurity.Tls ? 465 : 25);

    /// <summary>The pinned fingerprint as upper-case hex without separators, or null.</summary>
    public string? PinnedThumbprint => string.IsNullOrWhiteSpace(SmtpServerCertificateThumbprint)
        ? null
        : SmtpServerCertificateThumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>What is wrong with the settings, each naming its setting; empty when they hold.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        if (!MailboxAddress.TryParse(From, out _))
        {
            problems.Add($"{Section}:From is not an e-mail address (\"Name <address>\" or \"address\").");
        }

        if (SmtpPort is < 1 or > 65535)
        {
            problems.Add($"{Section}:SmtpPort must be 1 to 65535.");
        }

        if (!Enum.IsDefined(SmtpSecurity))
        {
            problems.Add($"{Section}:SmtpSecurity must be None, StartTls, StartTlsWhenAvailable or Tls.");
        }

        if (PinnedThumbprint is { } pin && (pin.Length != 64 || !pin.All(char.IsAsciiHexDigit)))
        {
            problems.Add($"{Section}:SmtpServerCertificateThumbprint must be a SHA-256 fingerprint: 64 hex digits (colons allowed).");
        }

        if (SendTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:SendTimeout must be more than zero.");
        }

        return problems;
    }
}

/// <summary>
/// Refuses to start on e-mail settings that <see cref="EmailOptions.Problems"/> finds wrong, and on
/// the <c>SmtpEnableSsl</c> of System.Net.Mail, which is no longer read (<c>SmtpSecurity</c> says it).
/// </summary>
public sealed class EmailOptionsValidation(IConfiguration configuration) : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var problems = options.Problems();
        if (configuration.GetSection(EmailOptions.Section)["SmtpEnableSsl"] is not null)
        {
            problems.Add($"{EmailOptions.Section}:SmtpEnableSsl is no longer read: remove it and set {EmailOptions.Section}:SmtpSecurity (StartTls by default; Tls, StartTlsWhenAvailable, None).");
        }

        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
