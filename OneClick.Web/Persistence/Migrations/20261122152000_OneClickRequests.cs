using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>A merchant requests One Click for a shop in the back-office; an administrator approves or refuses it.</summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261122152000_OneClickRequests")]
public sealed class OneClickRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "OneClickRequest", table: "Shops", type: "TEXT", maxLength: 16, nullable: false, defaultValue: "None");
        // A shop that already has One Click on was, in effect, approved.
        migrationBuilder.Sql("UPDATE \"Shops\" SET \"OneClickRequest\" = 'Approved' WHERE \"OneClickEnabled\" = 1;");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE \"Shops\" DROP COLUMN \"OneClickRequest\";");
    }
}
