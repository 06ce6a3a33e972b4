using System.Text;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security;

/// <summary>How many rows the business tables hold, to show that a refused request stored nothing.</summary>
internal static class StoredRows
{
    public static Task<string> CountAsync(GatewayFactory gateway) => gateway.WithDbAsync(async db => string.Join(", ",
    [
        $"orders {await db.Orders.CountAsync()}",
        $"sales {await db.Sales.CountAsync()}",
        $"refunds {await db.Refunds.CountAsync()}",
        $"postbacks {await db.PostbackDeliveries.CountAsync()}",
        $"emails {await db.OutboxEmails.CountAsync()}",
        $"customers {await db.Customers.CountAsync()}",
        $"wallets {await db.Wallets.CountAsync()}",
        $"cards {await db.SavedCards.CountAsync()}",
        $"tokens {await db.OneClickTokens.CountAsync()}",
        $"contracts {await db.Contracts.CountAsync()}",
        $"api keys {await db.ApiKeys.CountAsync()}",
        $"audit {await db.AuditEntries.CountAsync()}",
    ]));

    /// <summary>
    /// Every row of every table but the scheduler's, as text: any change of state shows as a difference.
    /// </summary>
    public static async Task<string> SnapshotAsync(GatewayFactory gateway)
    {
        await using var connection = DatabaseFile.OpenReadOnly(gateway.DataDirectory);
        var text = new StringBuilder();
        foreach (var (table, rows) in await DatabaseFile.RowsAsync(connection))
        {
            if (table.StartsWith("QRTZ", StringComparison.Ordinal) || table.StartsWith("sqlite", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var row in rows)
            {
                text.Append(table).Append(':').AppendJoin('|', row.Select(c => c.Value ?? "null")).AppendLine();
            }
        }

        return text.ToString();
    }
}
