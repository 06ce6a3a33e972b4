using System.Text.Json;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Audit;

/// <summary>
/// Records a staff change in the same unit of work as the change itself: call <see cref="Record"/>
/// before the <c>SaveChangesAsync</c> that saves the change, so that neither is kept without the other.
/// Never pass secrets (keys, passwords, card numbers) as before/after values.
/// </summary>
public sealed class AuditTrail(OneClickDbContext db, CurrentStaff staff, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <returns>The entry, added to the context: a command that refuses after all detaches it.</returns>
    public async Task<AuditEntry> RecordAsync(string action, string subject, int? merchantId, object? before, object? after)
    {
        var user = await staff.UserAsync();
        return Add(user?.Id, user?.Email ?? "(system)", action, subject, merchantId, before, after);
    }

    /// <summary>A change made by something other than a signed-in person, e.g. a merchant's server with an API key.</summary>
    public AuditEntry RecordBy(string actor, string action, string subject, int? merchantId, object? before, object? after) =>
        Add(null, actor, action, subject, merchantId, before, after);

    private AuditEntry Add(int? userId, string actor, string action, string subject, int? merchantId, object? before, object? after) =>
        db.AuditEntries.Add(new AuditEntry(
            clock.GetUtcNow().UtcDateTime,
            userId,
            actor,
            merchantId,
            action,
            subject,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json))).Entity;
}
