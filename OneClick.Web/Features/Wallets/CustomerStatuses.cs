using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Wallets;

/// <summary>
/// The merchant's say over a customer's One Click (rule 8): <c>Deny</c> hides the saved cards, drops
/// the offer and ends every live token at once; lifting it brings the saved cards back.
/// </summary>
public sealed class CustomerStatuses(OneClickDbContext db, OneClickTokens tokens, TimeProvider clock, ILogger<CustomerStatuses> logger)
{
    public Task<Customer?> FindAsync(int customerUnionId, string number, CancellationToken cancellationToken) =>
        db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.CustomerUnionId == customerUnionId && c.Number == number, cancellationToken);

    /// <summary>Sets a customer to Deny; one the gateway has not met yet is recorded as denied, so their first purchase makes no offer.</summary>
    public async Task<Customer> DenyAsync(int customerUnionId, string number, CancellationToken cancellationToken)
    {
        var customer = await FindOrAddAsync(customerUnionId, number, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        customer.Deny(Now);
        await db.SaveChangesAsync(cancellationToken);
        var revoked = await tokens.RevokeForCustomerAsync(customer.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Customer {CustomerId} of union {UnionId} set to Deny; {Tokens} tokens revoked", customer.Id, customerUnionId, revoked);
        return customer;
    }

    /// <summary>Lifts a Deny: Member again if cards are saved, else New. Null for a customer the gateway does not know.</summary>
    public async Task<Customer?> AllowAsync(int customerUnionId, string number, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.CustomerUnionId == customerUnionId && c.Number == number, cancellationToken);
        if (customer is null)
        {
            return null;
        }

        var hasCards = await db.SavedCards.Where(c => c.Wallet.CustomerId == customer.Id).AnyAsync(SavedCard.Usable, cancellationToken);
        customer.Allow(hasCards, Now);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Customer {CustomerId} of union {UnionId} is {Status} again", customer.Id, customerUnionId, customer.Status);
        return customer;
    }

    /// <summary>The customer of a union by number, recorded (and saved) if the gateway has not met them; two racing first meetings make one customer.</summary>
    public async Task<Customer> FindOrAddAsync(int customerUnionId, string number, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.SingleOrDefaultAsync(c => c.CustomerUnionId == customerUnionId && c.Number == number, cancellationToken);
        if (customer is not null)
        {
            return customer;
        }

        customer = db.Customers.Add(new Customer(customerUnionId, number, Now)).Entity;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return customer;
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteErrorCode: 19 })
        {
            db.Entry(customer).State = EntityState.Detached;
            return await db.Customers.SingleAsync(c => c.CustomerUnionId == customerUnionId && c.Number == number, cancellationToken);
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
