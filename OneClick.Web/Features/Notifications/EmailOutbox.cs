using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;
using OneClick.Core.Notifications;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Notifications;

/// <summary>
/// Sends the e-mails that are due from the outbox, and records each one's fate. Each is claimed by a
/// compare-and-set before it is sent, so that of several nodes one sends it (decision 029), and handed
/// to the <see cref="IMailTransport"/> as a MIME message (decision 035).
/// </summary>
public sealed class EmailOutbox(
    OneClickDbContext db,
    WriteGate gate,
    RowStatements rows,
    IOptions<EmailOptions> options,
    IMailTransport transport,
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
                using var message = Compose(email, options.Value.From, clock.GetUtcNow());
                await transport.SendAsync(email, message, cancellationToken);
                email.Sent(Now);
                logger.LogInformation("E-mail {EmailId} sent", email.Id);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The record keeps the server's answer; the log says what failed without it (it may name the buyer).
                email.Failed(ex is MailTransportException ? ex.Message : ex.GetType().Name + ": " + ex.Message, Now);
                logger.LogWarning("E-mail {EmailId} failed ({Error}); attempt {Attempt}", email.Id, ex is MailTransportException failed ? failed.Summary : ex.GetType().Name, email.Attempts);
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

    /// <summary>
    /// The e-mail as MIME: plain UTF-8 text sent as 8bit (MailKit re-encodes it for a server without
    /// 8BITMIME), a subject encoded by RFC 2047 when it needs to be, dated now, and a Message-Id of its
    /// own that stays the same when it is sent again.
    /// </summary>
    public static MimeMessage Compose(OutboxEmail email, string from, DateTimeOffset now)
    {
        var sender = MailboxAddress.Parse(from);
        var body = new TextPart(TextFormat.Plain) { ContentTransferEncoding = ContentEncoding.EightBit };
        body.SetText("utf-8", email.Body.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        var message = new MimeMessage { Subject = email.Subject, Date = now, Body = body };
        message.From.Add(sender);
        message.To.Add(new MailboxAddress(string.Empty, email.To));
        message.MessageId = $"oneclick.{email.Id}.{email.CreatedAt.Ticks}@{sender.Domain}";
        return message;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
