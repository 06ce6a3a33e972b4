using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using OneClick.Core.Notifications;

namespace OneClick.Web.Features.Notifications;

/// <summary>
/// Sends an e-mail through the SMTP server of <c>OneClick:Email</c> with MailKit, one connection per
/// e-mail (decision 035): TLS as <see cref="EmailOptions.SmtpSecurity"/> says, the certificate
/// validated (or the pinned one accepted), authentication when a user is set, all of it within
/// <see cref="EmailOptions.SendTimeout"/>. What fails is thrown as a <see cref="MailTransportException"/>.
/// </summary>
public sealed class SmtpMailer(IOptions<EmailOptions> options) : IMailTransport
{
    private enum Step
    {
        Connecting,
        Authenticating,
        Sending,
    }

    public async Task SendAsync(OutboxEmail email, MimeMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var host = settings.SmtpHost ?? throw new InvalidOperationException($"{EmailOptions.Section}:SmtpHost is not set.");
        var server = $"{host}:{settings.Port}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.SendTimeout);
        // The deadline above cuts the whole exchange off; MailKit's own per-read timeout is only a backstop behind it.
        using var client = new SmtpClient { Timeout = (int)Math.Min((settings.SendTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds, int.MaxValue) };
        string? refusedCertificate = null;
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
            Accepts(certificate, errors, settings.PinnedThumbprint, out refusedCertificate);

        var step = Step.Connecting;
        try
        {
            await client.ConnectAsync(host, settings.Port, SocketOptions(settings.SmtpSecurity), timeout.Token);
            if (!string.IsNullOrEmpty(settings.SmtpUser))
            {
                step = Step.Authenticating;
                if (!client.IsSecure && settings.SmtpSecurity != SmtpSecurity.None)
                {
                    throw Failure(
                        "authentication not attempted in clear",
                        $"authentication not attempted: {server} offers no STARTTLS, and the password is not sent in clear (SmtpSecurity is {settings.SmtpSecurity}; only None allows it)",
                        null,
                        settings);
                }

                await client.AuthenticateAsync(settings.SmtpUser, settings.SmtpPassword ?? "", timeout.Token);
            }

            step = Step.Sending;
            await client.SendAsync(message, timeout.Token);
        }
        catch (Exception ex) when (ex is not MailTransportException && !cancellationToken.IsCancellationRequested)
        {
            throw Describe(ex, step, server, refusedCertificate, settings);
        }

        try
        {
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ProtocolException or CommandException)
        {
            // The server has taken the e-mail: a QUIT that goes wrong must not have it sent twice.
        }
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "Not an SMTP security mode."),
    };

    /// <summary>
    /// A certificate the machine trusts for the host, or the pinned one (its SHA-256 fingerprint); any
    /// other is refused, and <paramref name="refused"/> says why and gives its fingerprint to pin it.
    /// </summary>
    private static bool Accepts(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, SslPolicyErrors errors, string? pin, out string? refused)
    {
        refused = null;
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var fingerprint = certificate is null ? null : Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
        if (pin is not null && fingerprint == pin)
        {
            return true;
        }

        refused = fingerprint is null
            ? $"the server sent no certificate ({errors})"
            : $"its certificate is not trusted ({errors}; SHA-256 fingerprint {fingerprint}{(pin is null ? "" : ", not the pinned one")})";
        return false;
    }

    private static MailTransportException Describe(Exception ex, Step step, string server, string? refusedCertificate, EmailOptions settings)
    {
        var doing = step switch
        {
            Step.Connecting => "connecting",
            Step.Authenticating => "authenticating",
            _ => "sending",
        };
        return ex switch
        {
            OperationCanceledException or TimeoutException => Failure($"timed out while {doing}", $"no answer from {server} within {settings.SendTimeout.TotalSeconds:0} s while {doing}", ex, settings),
            SocketException socket => Failure("connect failed", $"could not connect to {server}: {socket.SocketErrorCode}", ex, settings),
            SslHandshakeException => Failure("TLS failed", $"TLS with {server} failed: {refusedCertificate ?? ex.InnerException?.Message ?? "the handshake broke off"}", ex, settings),
            NotSupportedException when step == Step.Connecting => Failure(
                "TLS refused: no STARTTLS",
                $"TLS refused: {server} does not offer STARTTLS, and nothing is sent in clear (SmtpSecurity is {settings.SmtpSecurity})",
                ex,
                settings),
            NotSupportedException when step == Step.Authenticating => Failure("authentication not offered", $"authentication failed: {server} offers no authentication MailKit can use ({ex.Message})", ex, settings),
            AuthenticationException => Failure("authentication refused", $"authentication as {settings.SmtpUser} refused by {server}: {ex.Message}", ex, settings),
            SmtpCommandException command => Failure(Refused(command.ErrorCode, doing), $"{Refused(command.ErrorCode, doing)} by {server}: {(int)command.StatusCode} {command.Message}", ex, settings),
            SmtpProtocolException or IOException => Failure($"connection broke off while {doing}", $"the connection to {server} broke off while {doing}: {ex.Message}", ex, settings),
            _ => Failure($"failed while {doing}", $"{doing} with {server} failed: {ex.GetType().Name}: {ex.Message}", ex, settings),
        };
    }

    private static string Refused(SmtpErrorCode code, string doing) => code switch
    {
        SmtpErrorCode.SenderNotAccepted => "sender refused",
        SmtpErrorCode.RecipientNotAccepted => "recipient refused",
        SmtpErrorCode.MessageNotAccepted => "message refused",
        _ => $"refused while {doing}",
    };

    /// <summary>The failure, its texts with the password taken out should a server have echoed it.</summary>
    private static MailTransportException Failure(string summary, string message, Exception? inner, EmailOptions settings)
    {
        var password = settings.SmtpPassword;
        return string.IsNullOrEmpty(password)
            ? new MailTransportException(summary, message, inner)
            : new MailTransportException(summary.Replace(password, "[password]", StringComparison.Ordinal), message.Replace(password, "[password]", StringComparison.Ordinal), inner);
    }
}
