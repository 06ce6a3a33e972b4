using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneClick.Web.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class TraceParents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "PostbackDeliveries",
                type: "character varying(55)",
                maxLength: 55,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "Orders",
                type: "character varying(55)",
                maxLength: 55,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "PostbackDeliveries");

            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "Orders");
        }
    }
}
