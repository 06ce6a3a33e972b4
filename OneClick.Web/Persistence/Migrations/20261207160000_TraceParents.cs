using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>
/// The trace a purchase started in (issue 24), kept on its order and its postback so that the payment
/// and the delivery join it. Null on older rows and when tracing is off.
/// </summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261207160000_TraceParents")]
public sealed class TraceParents : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "TraceParent", table: "Orders", type: "TEXT", maxLength: 55, nullable: true);
        migrationBuilder.AddColumn<string>(name: "TraceParent", table: "PostbackDeliveries", type: "TEXT", maxLength: 55, nullable: true);
    }

    // SQLite drops a column itself (3.35 and later); EF Core's SQLite generator would not.
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""ALTER TABLE "PostbackDeliveries" DROP COLUMN "TraceParent";""");
        migrationBuilder.Sql("""ALTER TABLE "Orders" DROP COLUMN "TraceParent";""");
    }
}
