using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Notifications;
using OneClick.Web.Features.Staff;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Account;

/// <summary>
/// Links that let a person choose a password (an invitation, or a reset), sent through the e-mail
/// outbox. The link's host is the configured public URL, never the request's Host header outside
/// development.
/// </summary>
public sealed class StaffEmails(
    UserManager<StaffUser> users,
    OneClickDbContext db,
    OutboxSignal outbox,
    IOptions<OneClickOptions> options,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<StaffEmails> logger)
{
    /// <summary>Reset e-mails one address gets at most in an hour; further requests send nothing (issue 16).</summary>
    public const int ResetsPerHour = 3;

    private const string ResetSubject = "Reset your OneClick Personal Account password";

    /// <summary>
    /// A reset link, unless this address already got <see cref="ResetsPerHour"/> in the last hour:
    /// the per-client limit alone let many clients flood one mailbox.
    /// </summary>
    public async Task<bool> SendResetLinkAsync(StaffUser user, string requestBaseUri)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddHours(-1);
        if (await db.OutboxEmails.CountAsync(e => e.To == user.Email && e.Subject == ResetSubject && e.CreatedAt > since) >= ResetsPerHour)
        {
            logger.LogWarning("No password reset e-mail sent to user {UserId}: {Limit} in the last hour already", user.Id, ResetsPerHour);
            return false;
        }

        return await SendPasswordLinkAsync(user, requestBaseUri, invitation: false);
    }

    /// <summary>Queues a "choose your password" e-mail; false when no public URL is configured to link to.</summary>
    public async Task<bool> SendPasswordLinkAsync(StaffUser user, string requestBaseUri, bool invitation)
    {
        var baseUri = options.Value.PublicUrl ?? (environment.IsDevelopment() ? requestBaseUri : null);
        if (baseUri is null)
        {
            logger.LogError("No password e-mail sent: set OneClick:PublicUrl to the address people reach the gateway at");
            return false;
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));
        var link = $"{baseUri.TrimEnd('/')}/account/reset-password?email={Uri.EscapeDataString(user.Email!)}&code={code}";
        var (subject, opening) = invitation
            ? ("You are invited to the OneClick Personal Account", "You have been given access to the OneClick Personal Account. Choose your password here:")
            : (ResetSubject, "Someone (we hope you) asked to reset your password. Choose a new one here:");
        db.OutboxEmails.Add(new OutboxEmail(
            user.Email!,
            subject,
            $"{opening}\n\n{link}\n\nThe link works once, for one hour. If you did not expect this e-mail, ignore it: nothing changes.\n",
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
        outbox.WakeForEverything();
        return true;
    }
}
