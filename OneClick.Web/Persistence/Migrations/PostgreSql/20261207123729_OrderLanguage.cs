using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OneClick.Web.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class OrderLanguage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "Orders",
                type: "character varying(2)",
                maxLength: 2,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Language",
                table: "Orders");
        }
    }
}
