using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>The last authenticator time step each person signed in with, so that a code works once (issue 16).</summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261206000000_StaffTwoFactorSteps")]
public sealed class StaffTwoFactorSteps : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<long>(name: "LastTwoFactorStep", table: "AspNetUsers", type: "INTEGER", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE \"AspNetUsers\" DROP COLUMN \"LastTwoFactorStep\";");
}
