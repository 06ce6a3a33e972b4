using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Postbacks;
using OneClick.Core.Sales;
using OneClick.Core.Shops;
using OneClick.Core.Tracing;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class PostbackDeliveryConfiguration : IEntityTypeConfiguration<PostbackDelivery>
{
    public void Configure(EntityTypeBuilder<PostbackDelivery> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        // A node's claim (decision 029): every write of the delivery holds only while the claim read still stands,
        // so that a node whose lease lapsed and was taken over cannot overwrite what the new holder does.
        builder.Property(d => d.ClaimedUntil).IsConcurrencyToken();
        builder.Property(d => d.Url).HasMaxLength(8192).IsRequired();
        builder.Property(d => d.TraceParent).HasMaxLength(TraceParent.Length);
        builder.HasOne<Shop>().WithMany().HasForeignKey(d => d.ShopId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Sale>().WithMany().HasForeignKey(d => d.SaleId).OnDelete(DeleteBehavior.Restrict);
        // The dispatcher's question: which pending deliveries are due? The claim is checked on the rows
        // this finds: the pending ones whose time has come, of which only those in flight are claimed.
        builder.HasIndex(d => new { d.State, d.NextAttemptAt });
    }
}

internal sealed class PostbackAttemptConfiguration : IEntityTypeConfiguration<PostbackAttempt>
{
    public void Configure(EntityTypeBuilder<PostbackAttempt> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Url).HasMaxLength(8192).IsRequired();
        builder.Property(a => a.ResponseExcerpt).HasMaxLength(PostbackAttempt.ExcerptLength);
        builder.Property(a => a.Error).HasMaxLength(500);
        builder.HasOne<PostbackDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}
