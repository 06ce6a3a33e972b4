using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>Merchants, shops with their signature keys, orders and sales (issue 2).</summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261121000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Merchants",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Merchants", x => x.Id));

        migrationBuilder.CreateTable(
            name: "Shops",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false),
                MerchantId = table.Column<int>(type: "INTEGER", nullable: false),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                WebsiteUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                SuccessUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                DeclineUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                PostbackUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                AllowedRedirectHosts = table.Column<string>(type: "TEXT", nullable: false),
                Currencies = table.Column<string>(type: "TEXT", nullable: false),
                IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                AcceptLegacySha1 = table.Column<bool>(type: "INTEGER", nullable: false),
                OneClickEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Shops", x => x.Id);
                table.ForeignKey("FK_Shops_Merchants_MerchantId", x => x.MerchantId, "Merchants", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ShopSignatureKeys",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                Secret = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                RetiredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ShopSignatureKeys", x => x.Id);
                table.ForeignKey("FK_ShopSignatureKeys_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Orders",
            columns: table => new
            {
                Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                Version = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Amount = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                Description = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                PaymentMethod = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                ReferenceId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                Custom1 = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                Custom2 = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                Custom3 = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                BackUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                DeclineUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                Email = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                CustomerNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                CurrentSaleId = table.Column<long>(type: "INTEGER", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ConcurrencyStamp = table.Column<int>(type: "INTEGER", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Orders", x => x.Id);
                table.ForeignKey("FK_Orders_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Sales",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                OrderId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                Amount = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                PaymentMethod = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                Brand = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                TruncatedPan = table.Column<string>(type: "TEXT", maxLength: 19, nullable: false),
                Result = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                DeclineReason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                TransactionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                ThreeDSecureChallenged = table.Column<bool>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Sales", x => x.Id);
                table.ForeignKey("FK_Sales_Orders_OrderId", x => x.OrderId, "Orders", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateIndex("IX_Shops_MerchantId", "Shops", "MerchantId");
        migrationBuilder.CreateIndex("IX_ShopSignatureKeys_ShopId", "ShopSignatureKeys", "ShopId");
        migrationBuilder.CreateIndex("IX_Orders_ShopId_ReferenceId", "Orders", ["ShopId", "ReferenceId"], unique: true);
        migrationBuilder.CreateIndex("IX_Sales_OrderId", "Sales", "OrderId");
        migrationBuilder.CreateIndex("IX_Sales_ShopId_CreatedAt", "Sales", ["ShopId", "CreatedAt"]);
        migrationBuilder.CreateIndex("IX_Sales_TransactionId", "Sales", "TransactionId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("Sales");
        migrationBuilder.DropTable("Orders");
        migrationBuilder.DropTable("ShopSignatureKeys");
        migrationBuilder.DropTable("Shops");
        migrationBuilder.DropTable("Merchants");
    }
}
