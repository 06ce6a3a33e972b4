using System.ComponentModel.DataAnnotations;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice.Staff;

/// <summary>
/// "Add a person" as typed on the People page. Its rules are these attributes, which the form's
/// fields check (MudBlazor reads them through <c>For</c>); whether the address is free is for
/// <see cref="Commands.InvitePerson"/> to say.
/// </summary>
public sealed class PersonInvitation
{
    /// <summary>A person's name, as the database keeps it.</summary>
    public const int MaxNameLength = 200;

    [Required(ErrorMessage = "Enter the person's email address.")]
    [EmailAddress(ErrorMessage = "Enter an email address such as name@example.com.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter the person's name.")]
    [MaxLength(MaxNameLength)]
    public string? Name { get; set; }

    public string Role { get; set; } = StaffRoles.Staff;
}
