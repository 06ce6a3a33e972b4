using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Sales;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Amount).HasPrecision(12, 2);
        builder.Property(r => r.Currency).HasMaxLength(3).IsRequired();
        builder.Property(r => r.Reason).HasMaxLength(500).IsRequired();
        builder.Property(r => r.AcquirerRefundId).HasMaxLength(64);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        // A node's claim (decision 029): every write of the refund holds only while the claim read still stands,
        // so that a node whose lease lapsed and was taken over cannot overwrite what the new holder does.
        builder.Property(r => r.ClaimedUntil).IsConcurrencyToken();
        builder.Property(r => r.FailureReason).HasMaxLength(500);
        builder.Ignore(r => r.Price);
        builder.HasOne<Sale>().WithMany().HasForeignKey(r => r.SaleId).OnDelete(DeleteBehavior.Restrict);
    }
}
