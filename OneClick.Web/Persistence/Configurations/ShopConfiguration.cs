using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Customers;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class ShopConfiguration : IEntityTypeConfiguration<Shop>
{
    public void Configure(EntityTypeBuilder<Shop> builder)
    {
        builder.HasKey(s => s.Id);
        // shopID is chosen, not generated: merchants configure it in their integration.
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(200).IsRequired();
        builder.Property(s => s.WebsiteUrl).HasMaxLength(2048).IsRequired();
        builder.Property(s => s.SuccessUrl).HasMaxLength(2048);
        builder.Property(s => s.DeclineUrl).HasMaxLength(2048);
        builder.Property(s => s.PostbackUrl).HasMaxLength(2048);
        builder.Property(s => s.PostbackRetrySchedule).HasMaxLength(200);
        builder.Ignore(s => s.RetrySchedule);
        builder.PrimitiveCollection(s => s.AllowedRedirectHosts).IsRequired();
        builder.PrimitiveCollection(s => s.Currencies).IsRequired();
        builder.HasOne<Merchant>().WithMany().HasForeignKey(s => s.MerchantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(s => s.SignatureKeys).WithOne().HasForeignKey(k => k.ShopId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.SignatureKeys).UsePropertyAccessMode(PropertyAccessMode.Field).AutoInclude();
        builder.HasOne(s => s.CustomerUnion).WithMany().HasForeignKey(s => s.CustomerUnionId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(s => s.SavedCardMinimumPayments).HasDefaultValue(1);
        builder.Property(s => s.RequiresBillingAddress).HasDefaultValue(false);
        builder.Property(s => s.OneClickRequest).HasConversion<string>().HasMaxLength(16).HasDefaultValue(OneClickRequest.None);
        builder.Ignore(s => s.OneClickStatus);
        builder.OwnsMany(s => s.TurnoverLimits, limit =>
        {
            limit.ToTable("ShopTurnoverLimits");
            limit.WithOwner().HasForeignKey("ShopId");
            limit.HasKey("ShopId", nameof(TurnoverLimit.Currency));
            limit.Property(l => l.Currency).HasMaxLength(3);
            limit.Property(l => l.PerDay).HasPrecision(12, 2);
            limit.Property(l => l.PerWeek).HasPrecision(12, 2);
        });
        builder.Navigation(s => s.TurnoverLimits).UsePropertyAccessMode(PropertyAccessMode.Field);
        // Keys and limits both come with every shop: a query that loads shops says AsSingleQuery().
        // They are a few rows each, so one statement's repeated shop columns cost less than three
        // statements, and one statement reads one snapshot (a split query outside a transaction can
        // pair the shop of one commit with the keys of the next).
    }
}

internal sealed class ShopSignatureKeyConfiguration : IEntityTypeConfiguration<ShopSignatureKey>
{
    public void Configure(EntityTypeBuilder<ShopSignatureKey> builder)
    {
        builder.ToTable("ShopSignatureKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Secret).HasMaxLength(200).IsRequired();
    }
}

internal sealed class CustomerUnionConfiguration : IEntityTypeConfiguration<CustomerUnion>
{
    public void Configure(EntityTypeBuilder<CustomerUnion> builder)
    {
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Name).HasMaxLength(200).IsRequired();
    }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Number).HasMaxLength(32).IsRequired();
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(c => c.MayUseOneClick);
        builder.HasOne<CustomerUnion>().WithMany().HasForeignKey(c => c.CustomerUnionId).OnDelete(DeleteBehavior.Restrict);
        // A customerNumber is unique inside its union.
        builder.HasIndex(c => new { c.CustomerUnionId, c.Number }).IsUnique();
    }
}
