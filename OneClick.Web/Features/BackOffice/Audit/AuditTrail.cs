using System.Text.Json;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Audit;

/// <summary>
/// Records a staff change in the same unit of work as the change itself: call <see cref="Record"/>
/// before the <c>SaveChangesAsync</c> that saves the change, so that neither is kept without the other.
/// Never pass secrets (keys, passwords, card numbers) as before/after values.
/// </summary>
public sealed class AuditTrail(OneClickDbContext db, CurrentStaff staff, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public async Task RecordAsync(string action, string subject, int? merchantId, object? before, object? after)
    {
        var user = await staff.UserAsync();
        db.AuditEntries.Add(new AuditEntry(
            clock.GetUtcNow().UtcDateTime,
            user?.Id,
            user?.Email ?? "(system)",
            merchantId,
            action,
            subject,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json)));
    }
}
