using Microsoft.AspNetCore.Identity;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Staff.Commands;

public abstract record RemovePersonOutcome
{
    public sealed record Removed(string Email) : RemovePersonOutcome;

    /// <summary>No such person, another merchant's, oneself or an administrator: the same answer for all.</summary>
    public sealed record NotFound : RemovePersonOutcome;

    /// <summary>The person changed while being removed (e.g. signed in): nothing was removed; look again.</summary>
    public sealed record Changed : RemovePersonOutcome;
}

/// <summary>An owner removes a person of their merchant (an administrator: of any); the audit entry is saved with the removal.</summary>
public sealed class RemovePerson(OneClickDbContext db, UserManager<StaffUser> users, CurrentStaff staff, AuditTrail audit, WriteGate gate)
{
    public const string Action = "staff.remove";

    public async Task<RemovePersonOutcome> RunAsync(int personId, CancellationToken cancellationToken)
    {
        // The page's policy says the same; a command is also called from elsewhere.
        if (!staff.MayManageMerchant)
        {
            return new RemovePersonOutcome.NotFound();
        }

        var me = await staff.UserAsync();
        var merchantId = await staff.MerchantIdAsync();
        await using var turn = await gate.BeginAsync(db, cancellationToken);
        var person = await users.FindByIdAsync(personId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (person is null || person.Id == me?.Id || (merchantId is not null && person.MerchantId != merchantId)
            || await users.IsInRoleAsync(person, StaffRoles.Administrator))
        {
            db.Forget(person);
            return new RemovePersonOutcome.NotFound();
        }

        var entry = await audit.RecordAsync(Action, $"person {person.Email}", person.MerchantId, new { person.Email }, null);
        if (!(await users.DeleteAsync(person)).Succeeded)
        {
            // E.g. the person signed in (or failed to) between the read and the delete: nothing is saved.
            db.Forget(person, entry);
            return new RemovePersonOutcome.Changed();
        }

        await turn.CommitAsync(cancellationToken);
        return new RemovePersonOutcome.Removed(person.Email ?? "");
    }
}
