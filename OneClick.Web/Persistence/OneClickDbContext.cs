using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using OneClick.Core.Api;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Core.Notifications;
using OneClick.Core.Orders;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Persistence;

/// <summary>The gateway's one database: payments, wallets, outbox, and the back-office log-ins (ASP.NET Core Identity).</summary>
public sealed class OneClickDbContext(DbContextOptions<OneClickDbContext> options) : IdentityDbContext<StaffUser, IdentityRole<int>, int>(options), IDataProtectionKeyContext
{
    /// <summary>The antiforgery and cookie keys, under the master key: kept here on PostgreSQL, where the nodes share them (decision 030).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Merchant> Merchants => Set<Merchant>();

    public DbSet<Shop> Shops => Set<Shop>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Sale> Sales => Set<Sale>();

    public DbSet<Refund> Refunds => Set<Refund>();

    public DbSet<PostbackDelivery> PostbackDeliveries => Set<PostbackDelivery>();

    public DbSet<PostbackAttempt> PostbackAttempts => Set<PostbackAttempt>();

    public DbSet<OutboxEmail> OutboxEmails => Set<OutboxEmail>();

    public DbSet<OneClick.Web.Features.Audit.AuditEntry> AuditEntries => Set<OneClick.Web.Features.Audit.AuditEntry>();

    public DbSet<CustomerUnion> CustomerUnions => Set<CustomerUnion>();

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Wallet> Wallets => Set<Wallet>();

    public DbSet<SavedCard> SavedCards => Set<SavedCard>();

    public DbSet<OneClickToken> OneClickTokens => Set<OneClickToken>();

    public DbSet<Contract> Contracts => Set<Contract>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(OneClickDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is UTC; SQLite stores ISO text, which sorts and compares correctly.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
