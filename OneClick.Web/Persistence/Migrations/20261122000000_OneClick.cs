using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>Wallets, saved cards and oneClickTokens; the saved card a sale used (issue 4).</summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261122000000_OneClick")]
public sealed class OneClick : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<long>(name: "SavedCardId", table: "Sales", type: "INTEGER", nullable: true);
        migrationBuilder.AddColumn<bool>(name: "InstantOneClick", table: "Sales", type: "INTEGER", nullable: false, defaultValue: false);

        migrationBuilder.CreateTable(
            name: "Wallets",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                BrowserIdHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Wallets", x => x.Id);
                table.ForeignKey("FK_Wallets_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "SavedCards",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                WalletId = table.Column<long>(type: "INTEGER", nullable: false),
                Brand = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Bin = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                LastFour = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                ExpiryYear = table.Column<int>(type: "INTEGER", nullable: false),
                ExpiryMonth = table.Column<int>(type: "INTEGER", nullable: false),
                HolderName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                EncryptedPan = table.Column<byte[]>(type: "BLOB", nullable: false),
                KeyId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Confirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                SuccessfulPayments = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                LastUsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                DeletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_SavedCards", x => x.Id);
                table.ForeignKey("FK_SavedCards_Wallets_WalletId", x => x.WalletId, "Wallets", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "OneClickTokens",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                SavedCardId = table.Column<long>(type: "INTEGER", nullable: false),
                BrowserIdHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Seed = table.Column<byte[]>(type: "BLOB", nullable: false),
                TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                IssuedBySaleId = table.Column<long>(type: "INTEGER", nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                IssuedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                UsedBySaleId = table.Column<long>(type: "INTEGER", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OneClickTokens", x => x.Id);
                table.ForeignKey("FK_OneClickTokens_SavedCards_SavedCardId", x => x.SavedCardId, "SavedCards", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_OneClickTokens_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex("IX_Wallets_ShopId_BrowserIdHash", "Wallets", ["ShopId", "BrowserIdHash"], unique: true);
        migrationBuilder.CreateIndex("IX_SavedCards_WalletId", "SavedCards", "WalletId");
        migrationBuilder.CreateIndex("IX_SavedCards_Fingerprint", "SavedCards", "Fingerprint");
        migrationBuilder.CreateIndex("IX_OneClickTokens_TokenHash", "OneClickTokens", "TokenHash", unique: true);
        migrationBuilder.CreateIndex("IX_OneClickTokens_IssuedBySaleId", "OneClickTokens", "IssuedBySaleId");
        migrationBuilder.CreateIndex("IX_OneClickTokens_SavedCardId_State", "OneClickTokens", ["SavedCardId", "State"]);
        migrationBuilder.CreateIndex("IX_OneClickTokens_ShopId", "OneClickTokens", "ShopId");
        migrationBuilder.CreateIndex("IX_OneClickTokens_State_ExpiresAt", "OneClickTokens", ["State", "ExpiresAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("OneClickTokens");
        migrationBuilder.DropTable("SavedCards");
        migrationBuilder.DropTable("Wallets");
        migrationBuilder.Sql("ALTER TABLE \"Sales\" DROP COLUMN \"InstantOneClick\";");
        migrationBuilder.Sql("ALTER TABLE \"Sales\" DROP COLUMN \"SavedCardId\";");
    }
}
