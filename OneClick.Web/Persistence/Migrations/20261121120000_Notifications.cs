using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>Postback and e-mail outboxes, postback attempts, refunds (issue 3).</summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261121120000_Notifications")]
public sealed class Notifications : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<decimal>(
            name: "RefundedAmount", table: "Sales", type: "TEXT", precision: 12, scale: 2, nullable: false, defaultValue: 0m);
        migrationBuilder.AddColumn<string>(
            name: "PostbackRetrySchedule", table: "Shops", type: "TEXT", maxLength: 200, nullable: true);

        migrationBuilder.CreateTable(
            name: "Refunds",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                SaleId = table.Column<long>(type: "INTEGER", nullable: false),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                Amount = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                Automatic = table.Column<bool>(type: "INTEGER", nullable: false),
                AcquirerRefundId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                FailureReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Refunds", x => x.Id);
                table.ForeignKey("FK_Refunds_Sales_SaleId", x => x.SaleId, "Sales", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "PostbackDeliveries",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                SaleId = table.Column<long>(type: "INTEGER", nullable: false),
                Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Url = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PostbackDeliveries", x => x.Id);
                table.ForeignKey("FK_PostbackDeliveries_Sales_SaleId", x => x.SaleId, "Sales", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_PostbackDeliveries_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "PostbackAttempts",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                DeliveryId = table.Column<long>(type: "INTEGER", nullable: false),
                Url = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                DurationMs = table.Column<int>(type: "INTEGER", nullable: false),
                StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                ResponseExcerpt = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                Error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                Acknowledged = table.Column<bool>(type: "INTEGER", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_PostbackAttempts", x => x.Id);
                table.ForeignKey("FK_PostbackAttempts_PostbackDeliveries_DeliveryId", x => x.DeliveryId, "PostbackDeliveries", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "OutboxEmails",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                To = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                Subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                Body = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_OutboxEmails", x => x.Id));

        migrationBuilder.CreateIndex("IX_Refunds_SaleId", "Refunds", "SaleId");
        migrationBuilder.CreateIndex("IX_PostbackDeliveries_SaleId", "PostbackDeliveries", "SaleId");
        migrationBuilder.CreateIndex("IX_PostbackDeliveries_ShopId", "PostbackDeliveries", "ShopId");
        migrationBuilder.CreateIndex("IX_PostbackDeliveries_State_NextAttemptAt", "PostbackDeliveries", ["State", "NextAttemptAt"]);
        migrationBuilder.CreateIndex("IX_PostbackAttempts_DeliveryId", "PostbackAttempts", "DeliveryId");
        migrationBuilder.CreateIndex("IX_OutboxEmails_State_NextAttemptAt", "OutboxEmails", ["State", "NextAttemptAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("OutboxEmails");
        migrationBuilder.DropTable("PostbackAttempts");
        migrationBuilder.DropTable("PostbackDeliveries");
        migrationBuilder.DropTable("Refunds");
        migrationBuilder.Sql("ALTER TABLE \"Shops\" DROP COLUMN \"PostbackRetrySchedule\";");
        migrationBuilder.Sql("ALTER TABLE \"Sales\" DROP COLUMN \"RefundedAmount\";");
    }
}
