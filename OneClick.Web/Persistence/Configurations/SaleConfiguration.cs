using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Orders;
using OneClick.Core.Sales;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class SaleConfiguration : IEntityTypeConfiguration<Sale>
{
    public void Configure(EntityTypeBuilder<Sale> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Amount).HasPrecision(12, 2);
        builder.Property(s => s.Currency).HasMaxLength(3).IsRequired();
        builder.Property(s => s.PaymentMethod).HasConversion<string>().HasMaxLength(8);
        builder.Property(s => s.Brand).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.TruncatedPan).HasMaxLength(19).IsRequired();
        builder.Property(s => s.Result).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.DeclineReason).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.TransactionId).HasMaxLength(64);
        // Two refunds racing on one sale: the second save fails instead of giving back too much.
        builder.Property(s => s.RefundedAmount).HasPrecision(12, 2).HasDefaultValue(0m).IsConcurrencyToken();
        builder.Ignore(s => s.RefundableAmount);
        builder.Property(s => s.InstantOneClick).HasDefaultValue(false);
        builder.Property(s => s.OneClickPayment).HasDefaultValue(false);
        builder.Property(s => s.BrowserIdHash).HasMaxLength(64);
        // The CVC lock and the turnover limits count a card's recent sales.
        builder.HasIndex(s => new { s.SavedCardId, s.CreatedAt });
        builder.Ignore(s => s.Price);
        builder.Ignore(s => s.LastFour);
        builder.HasOne<Order>().WithMany().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.ShopId, s.CreatedAt });
        builder.HasIndex(s => s.TransactionId);
    }
}
