using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Notifications;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.To).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Subject).HasMaxLength(200).IsRequired();
        builder.Property(e => e.Body).HasMaxLength(8000).IsRequired();
        builder.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        // A node's claim (decision 029): every write of the e-mail holds only while the claim read still stands,
        // so that a node whose lease lapsed and was taken over cannot overwrite what the new holder does.
        builder.Property(e => e.ClaimedUntil).IsConcurrencyToken();
        builder.Property(e => e.LastError).HasMaxLength(500);
        builder.HasIndex(e => new { e.State, e.NextAttemptAt });
    }
}
