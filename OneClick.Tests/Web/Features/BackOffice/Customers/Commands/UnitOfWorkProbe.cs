using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Customers;
using OneClick.Core.Wallets;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Audit;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Features.BackOffice.Customers.Commands;

/// <summary>
/// Runs a command as a person and records its unit of work: what each SaveChanges of its DbContext
/// saved, and which customer, wallet, card and audit rows it left tracked when it returned.
/// </summary>
internal sealed class UnitOfWorkProbe
{
    /// <summary>One item per SaveChanges: its changed rows as "Type State", e.g. "Customer Modified".</summary>
    public List<string[]> Saves { get; } = [];

    public string[] TrackedAfter { get; private set; } = [];

    public static async Task<(T Outcome, UnitOfWorkProbe Probe)> RunAsync<T>(GatewayFactory gateway, ClaimsPrincipal person, Func<IServiceProvider, Task<T>> command)
    {
        var probe = new UnitOfWorkProbe();
        var outcome = await CustomerSteps.AsAsync(gateway, person, async services =>
        {
            var db = services.GetRequiredService<OneClickDbContext>();
            void Saving(object? sender, SavingChangesEventArgs e) =>
                probe.Saves.Add([.. db.ChangeTracker.Entries()
                    .Where(x => x.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
                    .Select(x => $"{x.Metadata.ClrType.Name} {x.State}")]);
            db.SavingChanges += Saving;
            try
            {
                var result = await command(services);
                probe.TrackedAfter = [.. db.ChangeTracker.Entries()
                    .Where(x => x.Entity is Customer or Wallet or SavedCard or AuditEntry)
                    .Select(x => x.Metadata.ClrType.Name)];
                return result;
            }
            finally
            {
                db.SavingChanges -= Saving;
            }
        });
        return (outcome, probe);
    }
}
