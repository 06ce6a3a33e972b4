using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>A shop may require a billing address; the order keeps the one the buyer gave.</summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261122130000_BillingAddress")]
public sealed class BillingAddress : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<bool>(name: "RequiresBillingAddress", table: "Shops", type: "INTEGER", nullable: false, defaultValue: false);
        migrationBuilder.AddColumn<string>(name: "BillingAddress_Street", table: "Orders", type: "TEXT", maxLength: 100, nullable: true);
        migrationBuilder.AddColumn<string>(name: "BillingAddress_PostalCode", table: "Orders", type: "TEXT", maxLength: 12, nullable: true);
        migrationBuilder.AddColumn<string>(name: "BillingAddress_City", table: "Orders", type: "TEXT", maxLength: 60, nullable: true);
        migrationBuilder.AddColumn<string>(name: "BillingAddress_Country", table: "Orders", type: "TEXT", maxLength: 2, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"BillingAddress_Country\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"BillingAddress_City\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"BillingAddress_PostalCode\";");
        migrationBuilder.Sql("ALTER TABLE \"Orders\" DROP COLUMN \"BillingAddress_Street\";");
        migrationBuilder.Sql("ALTER TABLE \"Shops\" DROP COLUMN \"RequiresBillingAddress\";");
    }
}
