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
}

/// <summary>An owner removes a person of their merchant (an administrator: of any); the audit entry is saved with the removal.</summary>
public sealed class RemovePerson(OneClickDbContext db, UserManager<StaffUser> users, CurrentStaff staff, AuditTrail audit, WriteGate gate)
{
    public const string Action = "staff.remove";

    public async Task<RemovePersonOutcome> RunAsync(int personId, CancellationToken cancellationToken)
    {
        var me = await staff.UserAsync();
        var merchantId = await staff.MerchantIdAsync();
        var person = await users.FindByIdAsync(personId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (person is null || person.Id == me?.Id || (merchantId is not null && person.MerchantId != merchantId)
            || await users.IsInRoleAsync(person, StaffRoles.Administrator))
        {
            return new RemovePersonOutcome.NotFound();
        }

        await using var turn = await gate.BeginAsync(db, cancellationToken);
        await audit.RecordAsync(Action, $"person {person.Email}", person.MerchantId, new { person.Email }, null);
        var deleted = await users.DeleteAsync(person);
        if (!deleted.Succeeded)
        {
            throw new InvalidOperationException($"Person {person.Id} could not be removed: {string.Join(" ", deleted.Errors.Select(e => e.Code))}");
        }

        await turn.CommitAsync(cancellationToken);
        return new RemovePersonOutcome.Removed(person.Email ?? "");
    }
}
