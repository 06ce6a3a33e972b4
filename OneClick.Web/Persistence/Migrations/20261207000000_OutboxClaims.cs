using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>
/// Several nodes on one database (decision 029): a postback, an e-mail or a refund is claimed by the
/// node that sends it, until a lease ends. Rows written before are unclaimed: due as they were.
/// </summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261207000000_OutboxClaims")]
public sealed class OutboxClaims : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTime>(name: "ClaimedUntil", table: "PostbackDeliveries", type: "TEXT", nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "ClaimedUntil", table: "OutboxEmails", type: "TEXT", nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "ClaimedUntil", table: "Refunds", type: "TEXT", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE \"PostbackDeliveries\" DROP COLUMN \"ClaimedUntil\";");
        migrationBuilder.Sql("ALTER TABLE \"OutboxEmails\" DROP COLUMN \"ClaimedUntil\";");
        migrationBuilder.Sql("ALTER TABLE \"Refunds\" DROP COLUMN \"ClaimedUntil\";");
    }
}
