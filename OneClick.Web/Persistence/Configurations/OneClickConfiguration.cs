using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using OneClick.Core.Shops;
using OneClick.Core.Wallets;

namespace OneClick.Web.Persistence.Configurations;

internal sealed class WalletConfiguration : IEntityTypeConfiguration<Wallet>
{
    public void Configure(EntityTypeBuilder<Wallet> builder)
    {
        builder.HasKey(w => w.Id);
        builder.Property(w => w.BrowserIdHash).HasMaxLength(64);
        builder.HasOne<Shop>().WithMany().HasForeignKey(w => w.ShopId).OnDelete(DeleteBehavior.Restrict);
        // One wallet per customer; a browser's wallet is per shop (NULLs never collide in a unique index).
        builder.HasOne(w => w.Customer).WithOne().HasForeignKey<Wallet>(w => w.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(w => w.Cards).WithOne(c => c.Wallet).HasForeignKey(c => c.WalletId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(w => w.Cards).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(w => w.UsableCards);
        builder.Ignore(w => w.HasSavedCards);
        builder.HasIndex(w => new { w.ShopId, w.BrowserIdHash }).IsUnique();
    }
}

internal sealed class SavedCardConfiguration : IEntityTypeConfiguration<SavedCard>
{
    public void Configure(EntityTypeBuilder<SavedCard> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Brand).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Bin).HasMaxLength(6).IsRequired();
        builder.Property(c => c.LastFour).HasMaxLength(4).IsRequired();
        builder.Property(c => c.HolderName).HasMaxLength(100);
        builder.Property(c => c.EncryptedPan).IsRequired();
        builder.Property(c => c.KeyId).HasMaxLength(16).IsRequired();
        builder.Property(c => c.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Ignore(c => c.Expiry);
        builder.Ignore(c => c.Display);
        builder.Ignore(c => c.Truncated);
        builder.Ignore(c => c.Pan);
        builder.HasIndex(c => c.Fingerprint);
    }
}

internal sealed class OneClickTokenConfiguration : IEntityTypeConfiguration<OneClickToken>
{
    public void Configure(EntityTypeBuilder<OneClickToken> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.BrowserIdHash).HasMaxLength(64).IsRequired();
        builder.Property(t => t.Seed).IsRequired();
        builder.Property(t => t.TokenHash).HasMaxLength(64).IsRequired();
        builder.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<Shop>().WithMany().HasForeignKey(t => t.ShopId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<SavedCard>().WithMany().HasForeignKey(t => t.SavedCardId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.IssuedBySaleId);
        builder.HasIndex(t => new { t.SavedCardId, t.State });
        // The expiry job's question: which active tokens are past their time?
        builder.HasIndex(t => new { t.State, t.ExpiresAt });
    }
}
