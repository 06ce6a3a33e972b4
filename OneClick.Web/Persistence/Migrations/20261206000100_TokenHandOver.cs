using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>
/// A oneClickToken goes into the approval page's redirect once (issue 16): when it did. Tokens issued
/// before count as handed over, so that no reopened approval page shows them.
/// </summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261206000100_TokenHandOver")]
public sealed class TokenHandOver : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTime>(name: "HandedOverAt", table: "OneClickTokens", type: "TEXT", nullable: true);
        migrationBuilder.Sql("UPDATE \"OneClickTokens\" SET \"HandedOverAt\" = \"IssuedAt\";");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("ALTER TABLE \"OneClickTokens\" DROP COLUMN \"HandedOverAt\";");
    }
}
