using System.Globalization;
using System.Net.Mail;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Notifications;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Notifications;

/// <summary>The <c>OneClick:Email</c> settings: SMTP when a host is set, else .eml files in the data folder.</summary>
public sealed class EmailOptions
{
    public string From { get; set; } = "OneClick <no-reply@oneclick.local>";

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 25;

    public bool SmtpEnableSsl { get; set; }

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }
}

/// <summary>Sends the e-mails that are due from the outbox, and records each one's fate.</summary>
public sealed class EmailOutbox(
    OneClickDbContext db,
    IOptions<EmailOptions> options,
    DataDirectory dataDirectory,
    TimeProvider clock,
    ILogger<EmailOutbox> logger)
{
    public async Task SendDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.OutboxEmails
            .Where(OutboxEmail.DueAt(now))
            .OrderBy(e => e.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var email in due)
        {
            try
            {
                await DeliverAsync(email, cancellationToken);
                email.Sent(clock.GetUtcNow().UtcDateTime);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                email.Failed(ex.GetType().Name + ": " + ex.Message, clock.GetUtcNow().UtcDateTime);
                logger.LogWarning("E-mail {EmailId} failed ({Error}); attempt {Attempt}", email.Id, ex.GetType().Name, email.Attempts);
            }

            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    private async Task DeliverAsync(OutboxEmail email, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.SmtpHost))
        {
            var folder = Directory.CreateDirectory(dataDirectory.PathOf("outbox")).FullName;
            var path = Path.Combine(folder, $"{email.CreatedAt:yyyyMMdd-HHmmss}-{email.Id}.eml");
            await File.WriteAllTextAsync(path, ToEml(email, settings.From), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
            return;
        }

        using var message = new MailMessage(settings.From, email.To, email.Subject, email.Body) { BodyEncoding = Encoding.UTF8, SubjectEncoding = Encoding.UTF8 };
        using var smtp = new SmtpClient(settings.SmtpHost, settings.SmtpPort) { EnableSsl = settings.SmtpEnableSsl };
        if (!string.IsNullOrEmpty(settings.SmtpUser))
        {
            smtp.Credentials = new System.Net.NetworkCredential(settings.SmtpUser, settings.SmtpPassword);
        }

        // SendMailAsync ignores SmtpClient.Timeout: a stalled server is cut off here instead.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await smtp.SendMailAsync(message, timeout.Token);
    }

    private string ToEml(OutboxEmail email, string from) =>
        $"From: {from}\r\nTo: {email.To}\r\nSubject: {email.Subject}\r\n" +
        $"Date: {clock.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)}\r\n" +
        $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
        email.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n";
}
