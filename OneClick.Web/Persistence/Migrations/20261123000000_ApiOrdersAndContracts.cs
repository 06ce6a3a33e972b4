using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>
/// The JSON API (docs/protocol.md section 7): orders learn their channel, recurrence, contract, own
/// postback URL and link expiry; CIT contracts and the API's idempotency keys get their tables.
/// </summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261123000000_ApiOrdersAndContracts")]
public sealed class ApiOrdersAndContracts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // Every order so far came by startorder.
        migrationBuilder.AddColumn<string>(name: "Channel", table: "Orders", type: "TEXT", maxLength: 16, nullable: false, defaultValue: "StartOrder");
        migrationBuilder.AddColumn<string>(name: "Recurrence", table: "Orders", type: "TEXT", maxLength: 24, nullable: true);
        migrationBuilder.AddColumn<string>(name: "ContractId", table: "Orders", type: "TEXT", maxLength: 64, nullable: true);
        migrationBuilder.AddColumn<string>(name: "NotificationUrl", table: "Orders", type: "TEXT", maxLength: 2048, nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "ExpiresAt", table: "Orders", type: "TEXT", nullable: true);
        migrationBuilder.AddColumn<string>(name: "SecurityToken", table: "Orders", type: "TEXT", maxLength: 32, nullable: true);
        migrationBuilder.AddColumn<bool>(name: "ContractSaved", table: "Orders", type: "INTEGER", nullable: false, defaultValue: false);
        migrationBuilder.CreateIndex(name: "IX_Orders_State_ExpiresAt", table: "Orders", columns: ["State", "ExpiresAt"]);

        migrationBuilder.CreateTable(
            name: "Contracts",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                ContractId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                CustomerId = table.Column<long>(type: "INTEGER", nullable: false),
                CreatedByOrderId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Brand = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Bin = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                LastFour = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                ExpiryYear = table.Column<int>(type: "INTEGER", nullable: false),
                ExpiryMonth = table.Column<int>(type: "INTEGER", nullable: false),
                HolderName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                EncryptedPan = table.Column<byte[]>(type: "BLOB", nullable: false),
                KeyId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                ActivatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                DeactivatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                Payments = table.Column<int>(type: "INTEGER", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Contracts", x => x.Id);
                table.ForeignKey("FK_Contracts_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Contracts_Customers_CustomerId", x => x.CustomerId, "Customers", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex(name: "IX_Contracts_ShopId_ContractId", table: "Contracts", columns: ["ShopId", "ContractId"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_Contracts_CustomerId", table: "Contracts", column: "CustomerId");

        migrationBuilder.CreateTable(
            name: "IdempotencyRecords",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                Key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                ResponseBody = table.Column<string>(type: "TEXT", nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_IdempotencyRecords", x => x.Id);
                table.ForeignKey("FK_IdempotencyRecords_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex(name: "IX_IdempotencyRecords_ShopId_Key", table: "IdempotencyRecords", columns: ["ShopId", "Key"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_IdempotencyRecords_CreatedAt", table: "IdempotencyRecords", column: "CreatedAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("IdempotencyRecords");
        migrationBuilder.DropTable("Contracts");
        migrationBuilder.DropIndex(name: "IX_Orders_State_ExpiresAt", table: "Orders");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"ContractSaved\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"SecurityToken\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"ExpiresAt\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"NotificationUrl\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"ContractId\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"Recurrence\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"Channel\";");
    }
}
