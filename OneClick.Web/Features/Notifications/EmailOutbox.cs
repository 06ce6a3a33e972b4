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

    /// <summary>How long an SMTP server has to take an e-mail: a stalled one is cut off then.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What a node's claim on an e-mail lasts beyond <see cref="SendTimeout"/> (decision 029): time to record the result.</summary>
    public TimeSpan ClaimMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a node's claim on an e-mail lasts: past it, another node may send it.</summary>
    public TimeSpan ClaimLease => SendTimeout + ClaimMargin;
}

/// <summary>
/// Sends the e-mails that are due from the outbox, and records each one's fate. Each is claimed by a
/// compare-and-set before it is sent, so that of several nodes one sends it (decision 029).
/// </summary>
public sealed class EmailOutbox(
    OneClickDbContext db,
    WriteGate gate,
    RowStatements rows,
    IOptions<EmailOptions> options,
    DataDirectory dataDirectory,
    TimeProvider clock,
    ILogger<EmailOutbox> logger)
{
    public async Task SendDueAsync(CancellationToken cancellationToken)
    {
        // Not tracked: each row is written by a kept statement, guarded (RowStatements).
        var due = await db.OutboxEmails.AsNoTracking()
            .Where(OutboxEmail.DueAt(Now))
            .OrderBy(e => e.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var email in due)
        {
            if (!await ClaimAsync(email, cancellationToken))
            {
                continue; // another node sends it, or has sent it since the list was read
            }

            var asRead = rows.Snapshot(db, email);
            try
            {
                await DeliverAsync(email, cancellationToken);
                email.Sent(Now);
                logger.LogInformation("E-mail {EmailId} sent", email.Id);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                email.Failed(ex.GetType().Name + ": " + ex.Message, Now);
                logger.LogWarning("E-mail {EmailId} failed ({Error}); attempt {Attempt}", email.Id, ex.GetType().Name, email.Attempts);
            }

            await using var write = await gate.BeginAsync(db, CancellationToken.None);
            // Only while this node's claim stands (its concurrency token): past its lease another node may have taken it over.
            if (!await rows.TryUpdateAsync(db, email, asRead, CancellationToken.None))
            {
                logger.LogWarning("E-mail {EmailId}: its claim lapsed while it was sent and another node took it over", email.Id);
            }

            await write.CommitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Claims a due e-mail for this node, by a compare-and-set in a write turn of its own, committed
    /// before it is sent: false when it is no longer as read (another node claimed or sent it).
    /// </summary>
    public async Task<bool> ClaimAsync(OutboxEmail email, CancellationToken cancellationToken)
    {
        var now = Now;
        if (!email.IsDueAt(now))
        {
            return false;
        }

        var asRead = rows.Snapshot(db, email);
        email.Claim(now, options.Value.ClaimLease);
        await using var write = await gate.BeginAsync(db, cancellationToken);
        if (!await rows.TryUpdateAsync(db, email, asRead, cancellationToken, nameof(OutboxEmail.State), nameof(OutboxEmail.Attempts), nameof(OutboxEmail.NextAttemptAt)))
        {
            return false;
        }

        await write.CommitAsync(cancellationToken);
        return true;
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
        timeout.CancelAfter(settings.SendTimeout);
        await smtp.SendMailAsync(message, timeout.Token);
    }

    private string ToEml(OutboxEmail email, string from) =>
        $"From: {from}\r\nTo: {email.To}\r\nSubject: {email.Subject}\r\n" +
        $"Date: {clock.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)}\r\n" +
        $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
        email.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
