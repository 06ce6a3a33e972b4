using OneClick.Core.Customers;
using OneClick.Web.Features.Audit;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice.Administration.Commands;

public abstract record CreateCustomerUnionOutcome
{
    public sealed record Created(int UnionId, string Name) : CreateCustomerUnionOutcome;

    public sealed record NameMissing : CreateCustomerUnionOutcome;

    /// <summary>Longer than <see cref="CustomerUnion.MaxNameLength"/> once trimmed.</summary>
    public sealed record NameTooLong : CreateCustomerUnionOutcome;

    /// <summary>Only a gateway administrator creates unions.</summary>
    public sealed record NotAllowed : CreateCustomerUnionOutcome;
}

/// <summary>A gateway administrator creates an empty customer union; shops are moved into it by <see cref="JoinShopToUnion"/>.</summary>
public sealed class CreateCustomerUnion(OneClickDbContext db, CurrentStaff staff, AuditTrail audit, WriteGate gate, TimeProvider clock)
{
    public const string Action = "union.create";

    public async Task<CreateCustomerUnionOutcome> RunAsync(string? name, CancellationToken cancellationToken)
    {
        if (!staff.IsAdministrator)
        {
            return new CreateCustomerUnionOutcome.NotAllowed();
        }

        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return new CreateCustomerUnionOutcome.NameMissing();
        }

        if (!CustomerUnion.IsValidName(trimmed))
        {
            return new CreateCustomerUnionOutcome.NameTooLong();
        }

        var union = new CustomerUnion(trimmed, clock.GetUtcNow().UtcDateTime);
        db.CustomerUnions.Add(union);
        await audit.RecordAsync(Action, $"union {trimmed}", null, null, new { name = trimmed });
        await gate.SaveChangesAsync(db, cancellationToken);
        return new CreateCustomerUnionOutcome.Created(union.Id, union.Name);
    }
}
