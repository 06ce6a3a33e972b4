using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Orders;
using OneClick.Core.Shops;
using OneClick.Core.Tracing;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(32).ValueGeneratedNever();
        builder.Property(o => o.Version).HasMaxLength(8).IsRequired();
        builder.Property(o => o.Amount).HasPrecision(12, 2);
        builder.Property(o => o.Currency).HasMaxLength(3).IsRequired();
        builder.Property(o => o.Description).HasMaxLength(400).IsRequired();
        builder.Property(o => o.PaymentMethod).HasConversion<string>().HasMaxLength(8);
        builder.Property(o => o.ReferenceId).HasMaxLength(256);
        builder.Property(o => o.Custom1).HasMaxLength(1024);
        builder.Property(o => o.Custom2).HasMaxLength(1024);
        builder.Property(o => o.Custom3).HasMaxLength(1024);
        builder.Property(o => o.BackUrl).HasMaxLength(2048);
        builder.Property(o => o.DeclineUrl).HasMaxLength(2048);
        builder.Property(o => o.Email).HasMaxLength(100);
        builder.Property(o => o.Language).HasMaxLength(2);
        builder.Property(o => o.TraceParent).HasMaxLength(TraceParent.Length);
        builder.Property(o => o.CustomerNumber).HasMaxLength(32);
        builder.Property(o => o.State).HasConversion<string>().HasMaxLength(32);
        builder.Property(o => o.Channel).HasConversion<string>().HasMaxLength(16).HasDefaultValue(OrderChannel.StartOrder);
        builder.Property(o => o.Recurrence).HasConversion<string>().HasMaxLength(24);
        builder.Property(o => o.ContractId).HasMaxLength(ApiOrderParser.MaxContractIdLength);
        builder.Property(o => o.NotificationUrl).HasMaxLength(2048);
        builder.Property(o => o.SecurityToken).HasMaxLength(32);
        builder.Property(o => o.ConcurrencyStamp).IsConcurrencyToken();
        builder.Ignore(o => o.RequiresAuthentication);
        builder.Ignore(o => o.ReportedContractId);
        builder.Property(o => o.ContractSaved).HasDefaultValue(false);
        builder.Ignore(o => o.Price);
        builder.OwnsOne(o => o.BillingAddress, address =>
        {
            address.Property(a => a.Street).HasMaxLength(100).IsRequired();
            address.Property(a => a.PostalCode).HasMaxLength(12).IsRequired();
            address.Property(a => a.City).HasMaxLength(60).IsRequired();
            address.Property(a => a.Country).HasMaxLength(2).IsRequired();
        });
        builder.HasOne<Shop>().WithMany().HasForeignKey(o => o.ShopId).OnDelete(DeleteBehavior.Restrict);
        // A referenceID is paid at most once: the database holds the rule, not only the code.
        builder.HasIndex(o => new { o.ShopId, o.ReferenceId }).IsUnique();
        // The pay-by-link expiry job's question: which open links are past their time?
        builder.HasIndex(o => new { o.State, o.ExpiresAt });
    }
}
