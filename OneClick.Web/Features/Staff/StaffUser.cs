using Microsoft.AspNetCore.Identity;

namespace OneClick.Web.Features.Staff;

/// <summary>
/// A person who signs in to the back-office (the Personal Account): a gateway administrator (no
/// merchant), or a merchant's owner or staff member.
/// </summary>
public sealed class StaffUser : IdentityUser<int>
{
    /// <summary>The merchant whose data this person sees; null for a gateway administrator.</summary>
    public int? MerchantId { get; set; }

    public string DisplayName { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// The authenticator time step (Unix seconds / 30) of the last app code this person used: a code
    /// of that step or an earlier one is refused, so each code works once (issue 16).
    /// </summary>
    public long? LastTwoFactorStep { get; set; }
}

/// <summary>The three roles of the back-office (issue 6).</summary>
public static class StaffRoles
{
    /// <summary>All merchants; approves One Click requests; manages customer unions.</summary>
    public const string Administrator = "Administrator";

    /// <summary>Their merchant: shops, keys, staff and settings, and everything staff do.</summary>
    public const string Owner = "Owner";

    /// <summary>Their merchant: customers, sales, refunds, postbacks; no keys, no settings.</summary>
    public const string Staff = "Staff";

    public static readonly IReadOnlyList<string> All = [Administrator, Owner, Staff];
}

/// <summary>Authorization policies, by what a page does rather than who may see it.</summary>
public static class StaffPolicies
{
    /// <summary>Anyone signed in to the back-office.</summary>
    public const string SignedIn = "BackOffice.SignedIn";

    /// <summary>Shops, keys, staff, settings of one's own merchant (owners, and administrators for any).</summary>
    public const string ManageMerchant = "BackOffice.ManageMerchant";

    /// <summary>Gateway-wide work: One Click approvals, unions.</summary>
    public const string Administer = "BackOffice.Administer";
}
