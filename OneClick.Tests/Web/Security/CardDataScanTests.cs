using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// After a run of purchases with every test card, neither the database files nor the logs hold a
/// full card number or a CVC (the rules that never bend, DEVELOPERS.md).
/// </summary>
public sealed class CardDataScanTests
{
    private static readonly (string Number, string Cvc)[] Cards =
    [
        ("4242424242424242", "731"),
        ("5555555555554444", "842"),
        ("378282246310005", "9157"),
        ("4000000000000002", "953"),
        ("4000000000009995", "864"),
        ("4000000000000127", "775"),
        ("4000000000000069", "686"),
        ("4000000000000119", "597"),
        ("4000000000000341", "418"),
        ("4000002760003184", "329"),
    ];

    [Fact]
    public async Task Purchases_leave_no_pan_and_no_cvc_in_database_or_logs()
    {
        // One Click on: remembered cards are in the database too, and must be there only encrypted.
        using var gateway = new GatewayFactory().Set("OneClick:Seed:OneClickEnabled", "true");
        var buyer = Buyer.Of(gateway);
        foreach (var (number, cvc) in Cards)
        {
            var parameters = Merchant.Purchase();
            parameters["email"] = "buyer@example.com"; // so that receipts go through the e-mail outbox too
            var orderPage = await buyer.UseNewCardAsync(await buyer.StartAsync(parameters));
            // Typed with spaces as a buyer does, and once with an error elsewhere on the form.
            var spaced = string.Join(' ', number.Chunk(4).Select(c => new string(c)));
            var withError = await buyer.PayAsync(orderPage, spaced, expiry: "13/99", cvc: cvc);
            // And typed into the wrong fields.
            withError = await buyer.PayAsync(withError, "4", expiry: number, cvc: cvc, holder: spaced);
            var result = await buyer.PayAsync(withError, spaced, cvc: cvc);
            if (result.Heading == "Authentication required")
            {
                result = await buyer.SubmitAsync(result, "Complete authentication");
            }

            // And again with the remembered card and its CVC.
            var again = await buyer.StartAsync(Merchant.Purchase());
            if (again.Document.QuerySelector("fieldset") is not null)
            {
                again = await buyer.PaySavedAsync(again, cvc);
                if (again.Heading == "Authentication required")
                {
                    await buyer.SubmitAsync(again, "Complete authentication");
                }
            }
        }

        var outbox = Path.Combine(gateway.DataDirectory, "outbox");
        await GatewayFactory.EventuallyAsync(() => Task.FromResult(Directory.Exists(outbox) && Directory.GetFiles(outbox).Length >= 4), "receipts are written");
        var emails = string.Join('\n', Directory.GetFiles(outbox).Select(File.ReadAllText));
        emails.ShouldContain("•••• 4242");
        var database = await DatabaseFile.ReadAllAsync(gateway);
        database.Tables.Count.ShouldBeGreaterThan(3);
        database.Tables.ShouldContain("SavedCards");
        var logs = gateway.Logs.All;
        logs.ShouldContain("XXXXXX4242"); // the scan reads real logs: the masked number is there
        foreach (var (number, cvc) in Cards)
        {
            foreach (var form in Forms(number))
            {
                database.Raw.ShouldNotContain(form, customMessage: $"the database holds {number[..6]}…");
                logs.ShouldNotContain(form, customMessage: $"a log line holds {number[..6]}…");
                emails.ShouldNotContain(form, customMessage: $"an e-mail holds {number[..6]}…");
            }

            database.Values.ShouldNotContain(cvc, $"a database column holds the CVC {cvc}");
            logs.ShouldNotContain($"cvc={cvc}", Case.Insensitive);
            logs.ShouldNotContain($"\"{cvc}\"");
            logs.ShouldNotContain($"={cvc} ");
        }

        // The HTML the buyer received never echoes the number back either.
        foreach (var html in buyer.Received)
        {
            foreach (var (number, _) in Cards)
            {
                Forms(number).ShouldAllBe(form => !html.Contains(form, StringComparison.Ordinal));
            }
        }
    }

    private static IEnumerable<string> Forms(string number) =>
    [
        number,
        string.Join(' ', number.Chunk(4).Select(c => new string(c))),
        string.Join('-', number.Chunk(4).Select(c => new string(c))),
    ];

}
