using MimeKit;
using OneClick.Core.Notifications;

namespace OneClick.Web.Features.Notifications;

/// <summary>Where the outbox's e-mails go: an SMTP server (<see cref="SmtpMailer"/>) or .eml files (<see cref="EmlFileMailer"/>).</summary>
public interface IMailTransport
{
    /// <summary>Hands <paramref name="message"/>, made of <paramref name="email"/>, on; throws when it was not taken.</summary>
    Task SendAsync(OutboxEmail email, MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// An e-mail the server did not take. <see cref="Exception.Message"/> says what failed (connect, TLS,
/// authentication, sender, recipient, message) with the server's answer, for the outbox's record;
/// <see cref="Summary"/> says it without the server's words (which may name the recipient), for the log.
/// Neither ever holds the password.
/// </summary>
public sealed class MailTransportException(string summary, string message, Exception? innerException)
    : Exception(message, innerException)
{
    public string Summary { get; } = summary;
}
