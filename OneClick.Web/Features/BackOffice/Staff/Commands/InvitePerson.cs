using Microsoft.AspNetCore.Identity;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.BackOffice.Account;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Staff.Commands;

public abstract record InvitePersonOutcome
{
    /// <param name="EmailSent">False when no public URL is configured for the link.</param>
    public sealed record Invited(string Email, bool EmailSent) : InvitePersonOutcome;

    /// <summary>The address cannot be used; the message says what to do.</summary>
    public sealed record EmailRefused(string Message) : InvitePersonOutcome;

    /// <summary>Not an owner, an administrator (who belongs to no merchant), or a role that cannot be given here.</summary>
    public sealed record NotAllowed : InvitePersonOutcome;
}

/// <summary>
/// An owner adds a person to their own merchant as staff or owner. The person, their role and the
/// audit entry are saved together; the "choose your password" e-mail goes out only once they are.
/// </summary>
public sealed class InvitePerson(OneClickDbContext db, UserManager<StaffUser> users, CurrentStaff staff, AuditTrail audit, WriteGate gate, StaffEmails emails, TimeProvider clock)
{
    public const string Action = "staff.add";

    public async Task<InvitePersonOutcome> RunAsync(string email, string name, string role, string requestBaseUri, CancellationToken cancellationToken)
    {
        // The page's policy says the same; a command is also called from elsewhere.
        if (!staff.MayManageMerchant || (await staff.UserAsync())?.MerchantId is not { } merchantId || role is not (StaffRoles.Staff or StaffRoles.Owner))
        {
            return new InvitePersonOutcome.NotAllowed();
        }

        var person = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchantId, DisplayName = name.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
        await using (var turn = await gate.BeginAsync(db, cancellationToken))
        {
            // Inside the turn, so that two invitations of one address at once cannot both pass. The same
            // words whether the address is taken here or at another merchant: no list of who has an account.
            if (await users.FindByEmailAsync(email) is not null)
            {
                return new InvitePersonOutcome.EmailRefused("This address cannot be invited. Use another address.");
            }

            var created = await users.CreateAsync(person);
            if (!created.Succeeded)
            {
                return new InvitePersonOutcome.EmailRefused(string.Join(" ", created.Errors.Select(e => e.Description)));
            }

            await users.AddToRoleAsync(person, role);
            await audit.RecordAsync(Action, $"person {email}", merchantId, null, new { Email = email, Role = role });
            await db.SaveChangesAsync(cancellationToken);
            await turn.CommitAsync(cancellationToken);
        }

        var sent = await emails.SendPasswordLinkAsync(person, requestBaseUri, invitation: true);
        return new InvitePersonOutcome.Invited(email, sent);
    }
}
