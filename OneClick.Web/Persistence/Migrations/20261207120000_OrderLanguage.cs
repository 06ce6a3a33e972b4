using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>The buyer's language of an order (issue 23): its pages and e-mails. Null on older orders (English).</summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261207120000_OrderLanguage")]
public sealed class OrderLanguage : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "Language", table: "Orders", type: "TEXT", maxLength: 2, nullable: true);

    // SQLite drops a column itself (3.35 and later); EF Core's SQLite generator would not.
    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""ALTER TABLE "Orders" DROP COLUMN "Language";""");
}
