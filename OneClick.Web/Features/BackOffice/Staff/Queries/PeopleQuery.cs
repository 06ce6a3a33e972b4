using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice.Staff.Queries;

public enum PersonStatus
{
    /// <summary>Has not chosen a password yet.</summary>
    Invited,
    Active,

    /// <summary>Too many wrong passwords or codes: locked out for now.</summary>
    Locked,
}

/// <param name="Removable">Whether the one asking may remove this person: never themselves, never an administrator.</param>
public sealed record Person(int Id, string Email, string? DisplayName, string Role, bool TwoFactorEnabled, PersonStatus Status, bool Removable);

/// <param name="MayInvite">Invitations are to the asker's own merchant: an administrator belongs to none.</param>
public sealed record People(IReadOnlyList<Person> List, bool MayInvite);

/// <summary>The people who can sign in for the asker's merchant (every merchant's, for an administrator), by e-mail.</summary>
public sealed class PeopleQuery(UserManager<StaffUser> users, CurrentStaff staff, TimeProvider clock)
{
    public async Task<People> RunAsync(CancellationToken cancellationToken)
    {
        // Owners and administrators, as the page's policy says; a query is also called from elsewhere.
        if (!staff.MayManageMerchant)
        {
            return new People([], MayInvite: false);
        }

        var me = await staff.UserAsync();
        var merchantId = await staff.MerchantIdAsync();
        var query = users.Users.AsNoTracking();
        if (merchantId is not null)
        {
            query = query.Where(u => u.MerchantId == merchantId);
        }

        var now = clock.GetUtcNow();
        var people = new List<Person>();
        foreach (var person in await query.OrderBy(u => u.Email).ToListAsync(cancellationToken))
        {
            var role = (await users.GetRolesAsync(person)).FirstOrDefault() ?? "(none)";
            var status = person.LockoutEnd > now ? PersonStatus.Locked : person.PasswordHash is null ? PersonStatus.Invited : PersonStatus.Active;
            people.Add(new Person(person.Id, person.Email ?? "", person.DisplayName, role, person.TwoFactorEnabled, status,
                Removable: person.Id != me?.Id && role != StaffRoles.Administrator));
        }

        return new People(people, MayInvite: me?.MerchantId is not null);
    }
}
