using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OneClick.Web.Persistence.Migrations;

/// <summary>
/// Customer unions, customers and their wallets, the shop's One Click settings (minimum payments,
/// turnover limits), the CVC lock, and the browser a sale was paid from (issue 5).
/// </summary>
[DbContext(typeof(OneClickDbContext))]
[Migration("20261122120000_CustomerWallets")]
public sealed class CustomerWallets : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // SQLite cannot add a foreign key to a table, nor make a column optional: Shops and Wallets are
        // rebuilt inside the migration's transaction, foreign keys on (decision 002). Every shop that
        // exists keeps its customers to itself: a union of its own.
        migrationBuilder.Sql(DeferForeignKeys);
        migrationBuilder.CreateTable(
            name: "CustomerUnions",
            columns: table => new
            {
                Id = table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_CustomerUnions", x => x.Id));

        migrationBuilder.Sql("INSERT INTO CustomerUnions (Id, Name, CreatedAt) SELECT Id, Name, CreatedAt FROM Shops;");
        migrationBuilder.Sql(SetAsideCascadingRows);
        migrationBuilder.Sql(
            """
            CREATE TEMP TABLE "keep_Shops" AS SELECT * FROM "Shops";
            DROP TABLE "Shops";
            CREATE TABLE "Shops" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Shops" PRIMARY KEY,
                "MerchantId" INTEGER NOT NULL,
                "Name" TEXT NOT NULL,
                "WebsiteUrl" TEXT NOT NULL,
                "SuccessUrl" TEXT NULL,
                "DeclineUrl" TEXT NULL,
                "PostbackUrl" TEXT NULL,
                "AllowedRedirectHosts" TEXT NOT NULL,
                "Currencies" TEXT NOT NULL,
                "IsActive" INTEGER NOT NULL,
                "AcceptLegacySha1" INTEGER NOT NULL,
                "OneClickEnabled" INTEGER NOT NULL,
                "CreatedAt" TEXT NOT NULL,
                "CustomerUnionId" INTEGER NOT NULL,
                "SavedCardMinimumPayments" INTEGER NOT NULL DEFAULT 1,
                "PostbackRetrySchedule" TEXT NULL,
                CONSTRAINT "FK_Shops_CustomerUnions_CustomerUnionId" FOREIGN KEY ("CustomerUnionId") REFERENCES "CustomerUnions" ("Id") ON DELETE RESTRICT,
                CONSTRAINT "FK_Shops_Merchants_MerchantId" FOREIGN KEY ("MerchantId") REFERENCES "Merchants" ("Id") ON DELETE RESTRICT
            );
            INSERT INTO "Shops" ("Id", "MerchantId", "Name", "WebsiteUrl", "SuccessUrl", "DeclineUrl", "PostbackUrl", "AllowedRedirectHosts", "Currencies",
                "IsActive", "AcceptLegacySha1", "OneClickEnabled", "CreatedAt", "CustomerUnionId", "SavedCardMinimumPayments", "PostbackRetrySchedule")
            SELECT "Id", "MerchantId", "Name", "WebsiteUrl", "SuccessUrl", "DeclineUrl", "PostbackUrl", "AllowedRedirectHosts", "Currencies",
                "IsActive", "AcceptLegacySha1", "OneClickEnabled", "CreatedAt", "Id", 1, "PostbackRetrySchedule"
            FROM temp."keep_Shops";
            DROP TABLE temp."keep_Shops";
            CREATE INDEX "IX_Shops_MerchantId" ON "Shops" ("MerchantId");
            CREATE INDEX "IX_Shops_CustomerUnionId" ON "Shops" ("CustomerUnionId");
            """);

        migrationBuilder.CreateTable(
            name: "ShopTurnoverLimits",
            columns: table => new
            {
                ShopId = table.Column<int>(type: "INTEGER", nullable: false),
                Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                PerDay = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
                PerWeek = table.Column<decimal>(type: "TEXT", precision: 12, scale: 2, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ShopTurnoverLimits", x => new { x.ShopId, x.Currency });
                table.ForeignKey("FK_ShopTurnoverLimits_Shops_ShopId", x => x.ShopId, "Shops", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Customers",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true),
                CustomerUnionId = table.Column<int>(type: "INTEGER", nullable: false),
                Number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                StatusChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Customers", x => x.Id);
                table.ForeignKey("FK_Customers_CustomerUnions_CustomerUnionId", x => x.CustomerUnionId, "CustomerUnions", "Id", onDelete: ReferentialAction.Restrict);
            });
        migrationBuilder.CreateIndex("IX_Customers_CustomerUnionId_Number", "Customers", ["CustomerUnionId", "Number"], unique: true);

        // A customer's wallet belongs to no shop and no browser: both become optional.
        migrationBuilder.Sql(
            """
            CREATE TEMP TABLE "keep_Wallets" AS SELECT * FROM "Wallets";
            CREATE TEMP TABLE "keep_WalletsSequence" AS SELECT "seq" FROM "sqlite_sequence" WHERE "name" = 'Wallets';
            DROP TABLE "Wallets";
            CREATE TABLE "Wallets" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Wallets" PRIMARY KEY AUTOINCREMENT,
                "ShopId" INTEGER NULL,
                "BrowserIdHash" TEXT NULL,
                "CustomerId" INTEGER NULL,
                "CreatedAt" TEXT NOT NULL,
                CONSTRAINT "FK_Wallets_Customers_CustomerId" FOREIGN KEY ("CustomerId") REFERENCES "Customers" ("Id") ON DELETE RESTRICT,
                CONSTRAINT "FK_Wallets_Shops_ShopId" FOREIGN KEY ("ShopId") REFERENCES "Shops" ("Id") ON DELETE RESTRICT
            );
            INSERT INTO "Wallets" ("Id", "ShopId", "BrowserIdHash", "CustomerId", "CreatedAt")
            SELECT "Id", "ShopId", "BrowserIdHash", NULL, "CreatedAt" FROM temp."keep_Wallets";
            DROP TABLE temp."keep_Wallets";
            CREATE UNIQUE INDEX "IX_Wallets_ShopId_BrowserIdHash" ON "Wallets" ("ShopId", "BrowserIdHash");
            CREATE UNIQUE INDEX "IX_Wallets_CustomerId" ON "Wallets" ("CustomerId");
            """);
        migrationBuilder.Sql(KeepWalletsSequence);
        migrationBuilder.Sql(PutBackCascadingRows);

        migrationBuilder.AddColumn<DateTime>(name: "LockedUntil", table: "SavedCards", type: "TEXT", nullable: true);
        migrationBuilder.AddColumn<string>(name: "BrowserIdHash", table: "Sales", type: "TEXT", maxLength: 64, nullable: true);
        migrationBuilder.AddColumn<bool>(name: "OneClickPayment", table: "Sales", type: "INTEGER", nullable: false, defaultValue: false);
        // Sales charged from a saved card before this migration were all one-click payments (CVC or token).
        migrationBuilder.Sql("UPDATE \"Sales\" SET \"OneClickPayment\" = 1 WHERE \"SavedCardId\" IS NOT NULL AND (\"InstantOneClick\" = 1 OR \"Id\" NOT IN (SELECT MIN(\"Id\") FROM \"Sales\" WHERE \"SavedCardId\" IS NOT NULL GROUP BY \"SavedCardId\"));");
        migrationBuilder.CreateIndex("IX_Sales_SavedCardId_CreatedAt", "Sales", ["SavedCardId", "CreatedAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_Sales_SavedCardId_CreatedAt", "Sales");
        migrationBuilder.Sql("ALTER TABLE \"Sales\" DROP COLUMN \"BrowserIdHash\";");
        migrationBuilder.Sql("ALTER TABLE \"Sales\" DROP COLUMN \"OneClickPayment\";");
        migrationBuilder.Sql("ALTER TABLE \"SavedCards\" DROP COLUMN \"LockedUntil\";");
        migrationBuilder.DropTable("ShopTurnoverLimits");

        // The same rebuilds back, the same way. Customers' wallets cannot live without them: their cards
        // and tokens go too.
        migrationBuilder.Sql(DeferForeignKeys);
        migrationBuilder.Sql(
            """
            DELETE FROM "OneClickTokens" WHERE "SavedCardId" IN (SELECT c."Id" FROM "SavedCards" c JOIN "Wallets" w ON w."Id" = c."WalletId" WHERE w."CustomerId" IS NOT NULL);
            DELETE FROM "SavedCards" WHERE "WalletId" IN (SELECT "Id" FROM "Wallets" WHERE "CustomerId" IS NOT NULL);
            """);
        migrationBuilder.Sql(SetAsideCascadingRows);
        migrationBuilder.Sql(
            """
            CREATE TEMP TABLE "keep_Wallets" AS SELECT * FROM "Wallets" WHERE "CustomerId" IS NULL;
            CREATE TEMP TABLE "keep_WalletsSequence" AS SELECT "seq" FROM "sqlite_sequence" WHERE "name" = 'Wallets';
            DROP TABLE "Wallets";
            CREATE TABLE "Wallets" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Wallets" PRIMARY KEY AUTOINCREMENT,
                "ShopId" INTEGER NOT NULL,
                "BrowserIdHash" TEXT NOT NULL,
                "CreatedAt" TEXT NOT NULL,
                CONSTRAINT "FK_Wallets_Shops_ShopId" FOREIGN KEY ("ShopId") REFERENCES "Shops" ("Id") ON DELETE RESTRICT
            );
            INSERT INTO "Wallets" ("Id", "ShopId", "BrowserIdHash", "CreatedAt")
            SELECT "Id", "ShopId", "BrowserIdHash", "CreatedAt" FROM temp."keep_Wallets";
            DROP TABLE temp."keep_Wallets";
            CREATE UNIQUE INDEX "IX_Wallets_ShopId_BrowserIdHash" ON "Wallets" ("ShopId", "BrowserIdHash");
            DROP TABLE "Customers";
            CREATE TEMP TABLE "keep_Shops" AS SELECT * FROM "Shops";
            DROP TABLE "Shops";
            CREATE TABLE "Shops" (
                "Id" INTEGER NOT NULL CONSTRAINT "PK_Shops" PRIMARY KEY,
                "MerchantId" INTEGER NOT NULL,
                "Name" TEXT NOT NULL,
                "WebsiteUrl" TEXT NOT NULL,
                "SuccessUrl" TEXT NULL,
                "DeclineUrl" TEXT NULL,
                "PostbackUrl" TEXT NULL,
                "AllowedRedirectHosts" TEXT NOT NULL,
                "Currencies" TEXT NOT NULL,
                "IsActive" INTEGER NOT NULL,
                "AcceptLegacySha1" INTEGER NOT NULL,
                "OneClickEnabled" INTEGER NOT NULL,
                "CreatedAt" TEXT NOT NULL,
                "PostbackRetrySchedule" TEXT NULL,
                CONSTRAINT "FK_Shops_Merchants_MerchantId" FOREIGN KEY ("MerchantId") REFERENCES "Merchants" ("Id") ON DELETE RESTRICT
            );
            INSERT INTO "Shops" ("Id", "MerchantId", "Name", "WebsiteUrl", "SuccessUrl", "DeclineUrl", "PostbackUrl", "AllowedRedirectHosts", "Currencies",
                "IsActive", "AcceptLegacySha1", "OneClickEnabled", "CreatedAt", "PostbackRetrySchedule")
            SELECT "Id", "MerchantId", "Name", "WebsiteUrl", "SuccessUrl", "DeclineUrl", "PostbackUrl", "AllowedRedirectHosts", "Currencies",
                "IsActive", "AcceptLegacySha1", "OneClickEnabled", "CreatedAt", "PostbackRetrySchedule"
            FROM temp."keep_Shops";
            DROP TABLE temp."keep_Shops";
            CREATE INDEX "IX_Shops_MerchantId" ON "Shops" ("MerchantId");
            DROP TABLE "CustomerUnions";
            """);
        migrationBuilder.Sql(KeepWalletsSequence);
        migrationBuilder.Sql(PutBackCascadingRows);
    }

    // Foreign keys cannot be turned off inside a transaction (PRAGMA foreign_keys is then ignored), and
    // turning them off outside it splits the migration into parts that commit alone. Deferred instead:
    // a dropped table's rows that others still reference only count until the new table has them
    // again, and the commit checks that none is left. It stays on until that commit, which ends it:
    // turning it off earlier would forget any reference still dangling.
    private const string DeferForeignKeys = "PRAGMA defer_foreign_keys = 1;";

    // Deferring does not hold back ON DELETE CASCADE: dropping Shops would delete their signature keys,
    // and dropping Wallets their cards and the cards' tokens. Those rows wait in temporary tables
    // (same columns, same values) and go back once the rebuilt tables are there.
    private const string SetAsideCascadingRows =
        """
        CREATE TEMP TABLE "keep_ShopSignatureKeys" AS SELECT * FROM "ShopSignatureKeys";
        CREATE TEMP TABLE "keep_SavedCards" AS SELECT * FROM "SavedCards";
        CREATE TEMP TABLE "keep_OneClickTokens" AS SELECT * FROM "OneClickTokens";
        DELETE FROM "OneClickTokens";
        DELETE FROM "SavedCards";
        DELETE FROM "ShopSignatureKeys";
        """;

    private const string PutBackCascadingRows =
        """
        INSERT INTO "ShopSignatureKeys" SELECT * FROM temp."keep_ShopSignatureKeys";
        INSERT INTO "SavedCards" SELECT * FROM temp."keep_SavedCards";
        INSERT INTO "OneClickTokens" SELECT * FROM temp."keep_OneClickTokens";
        DROP TABLE temp."keep_ShopSignatureKeys";
        DROP TABLE temp."keep_SavedCards";
        DROP TABLE temp."keep_OneClickTokens";
        """;

    // Dropping an AUTOINCREMENT table forgets its highest id: a wallet id used once is not given out again.
    private const string KeepWalletsSequence =
        """
        DELETE FROM "sqlite_sequence" WHERE "name" = 'Wallets';
        INSERT INTO "sqlite_sequence" ("name", "seq")
        SELECT 'Wallets', MAX("seq") FROM (SELECT "seq" FROM temp."keep_WalletsSequence" UNION ALL SELECT MAX("Id") FROM "Wallets") HAVING MAX("seq") IS NOT NULL;
        DROP TABLE temp."keep_WalletsSequence";
        """;
}
