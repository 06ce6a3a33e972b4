using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// One gateway with two merchants, each with a sale of a customer who saved a card and a change in
/// the audit log, and the seeded merchant's postback; the six people of the matrix signed in, each in their own browser.
/// </summary>
public sealed class MatrixGateway : IAsyncLifetime, IDisposable
{
    /// <summary>Text only the seeded merchant's pages may show (its shop, sale, customer, people), and only the other merchant's.</summary>
    public List<string> OwnMarkers { get; } = ["Matrix Own Shop", "own-ref-matrix", "own-cust-matrix"];

    public List<string> OtherMarkers { get; } = ["Other Shop", "other-ref-matrix", "other-cust-matrix"];

    private readonly MerchantSite site = new();

    public MatrixGateway() => Gateway
        .Set("OneClick:Seed:PostbackUrl", site.PostbackUrl)
        .Set("OneClick:Seed:OneClickEnabled", "true")
        .Set("OneClick:Seed:ShopName", "Matrix Own Shop")
        .Set("OneClick:Seed:MerchantName", "Matrix Own Merchant");

    public GatewayFactory Gateway { get; } = new();

    /// <summary>The seeded shop's API key.</summary>
    public MerchantApi Api { get; private set; } = default!;

    /// <summary>The people of the matrix by column name; "anonymous" is a browser that never signed in.</summary>
    public Dictionary<string, Buyer> People { get; } = [];

    /// <summary>The signed-in people's e-mail addresses, by column name, for their circuits.</summary>
    public Dictionary<string, string> Emails { get; } = [];

    /// <summary>The seeded merchant's objects, by the placeholder the tables use.</summary>
    public Dictionary<string, string> Own { get; } = [];

    public async Task InitializeAsync()
    {
        var otherMerchant = await CustomerSteps.AddOtherMerchantShopAsync(Gateway);
        foreach (var (shop, key, reference, customer) in new[]
        {
            (GatewayFactory.ShopId, GatewayFactory.SignatureKey, "own-ref-matrix", "own-cust-matrix"),
            (CustomerSteps.OtherShopId, CustomerSteps.OtherKey, "other-ref-matrix", "other-cust-matrix"),
        })
        {
            var parameters = Merchant.Purchase(shopId: shop, customerNumber: customer);
            parameters["referenceID"] = reference;
            var buyer = Buyer.Of(Gateway);
            (await buyer.PayAsync(await buyer.StartAsync(parameters, key), remember: true)).Heading.ShouldBe("Payment approved");
        }

        // A contract of the seeded merchant's customer, made through the API as a merchant makes one.
        Api = new MerchantApi(Gateway.CreatePlainClient(), await MerchantApi.AddKeyAsync(Gateway, GatewayFactory.ShopId));
        await Api.CreateContractAsync(Buyer.Of(Gateway), "matrix-contract", customerId: "own-cust-matrix", orderId: "matrix-order");
        await QuietAsync();
        var ownMerchant = await BackOfficeStaff.SeededMerchantIdAsync(Gateway);
        People["anonymous"] = Buyer.Of(Gateway);
        foreach (var (person, role, merchant) in new[]
        {
            ("staff", StaffRoles.Staff, (int?)ownMerchant),
            ("owner", StaffRoles.Owner, ownMerchant),
            ("admin", StaffRoles.Administrator, null),
            ("other staff", StaffRoles.Staff, otherMerchant),
            ("other owner", StaffRoles.Owner, otherMerchant),
        })
        {
            Emails[person] = $"{role.ToLowerInvariant()}-{merchant?.ToString(CultureInfo.InvariantCulture) ?? "all"}-{UniqueText.Letters()}@staff.test";
            People[person] = await BackOfficeStaff.SignedInAsync(Gateway, role, merchant, Emails[person]);
        }

        // BackOfficeStaff names people {role}-{merchant}-{guid}@staff.test.
        OwnMarkers.AddRange([$"staff-{ownMerchant}-", $"owner-{ownMerchant}-"]);
        OtherMarkers.AddRange([$"staff-{otherMerchant}-", $"owner-{otherMerchant}-"]);
        foreach (var person in People.Values)
        {
            // A first visit to the two-factor page creates the person's authenticator key (as Identity's
            // set-up page does): done here, so that the matrix's visits change nothing.
            await person.Client.GetAsync("/account/two-factor");
        }

        await Gateway.WithDbAsync(async db =>
        {
            // A change of each merchant's in the audit log, which shows each only its own.
            foreach (var (merchant, number) in new[] { (ownMerchant, "own-cust-matrix"), (otherMerchant, "other-cust-matrix") })
            {
                db.AuditEntries.Add(new OneClick.Web.Features.Audit.AuditEntry(Gateway.Clock.GetUtcNow().UtcDateTime, null, "(system)", merchant, "customer.deny", $"customer {number}", null, null));
            }

            await db.SaveChangesAsync();
            Own["{sale}"] = Text(await db.Sales.Where(s => db.Orders.Any(o => o.Id == s.OrderId && o.ReferenceId == "own-ref-matrix")).Select(s => s.Id).SingleAsync());
            var customer = await db.Customers.SingleAsync(c => c.Number == "own-cust-matrix");
            Own["{customer}"] = Text(customer.Id);
            Own["{card}"] = Text(await db.SavedCards.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync());
            Own["{delivery}"] = Text(await db.PostbackDeliveries.OrderBy(d => d.Id).Select(d => d.Id).FirstAsync());
            Own["{contract}"] = Text(await db.Contracts.Select(c => c.Id).SingleAsync());
            Own["{shop}"] = Text(GatewayFactory.ShopId);
            Own["{key}"] = Text(await db.Shops.Where(s => s.Id == GatewayFactory.ShopId).SelectMany(s => s.SignatureKeys).Select(k => k.Id).FirstAsync());
            Own["{person}"] = Text(await db.Users.Where(u => u.MerchantId == ownMerchant && u.Email!.StartsWith("staff-")).Select(u => u.Id).SingleAsync());
            return 0;
        });
    }

    /// <summary>Waits until every postback is delivered, so that nothing changes behind a test's back.</summary>
    public Task QuietAsync() => GatewayFactory.EventuallyAsync(
        () => Gateway.WithDbAsync(db => db.PostbackDeliveries.AllAsync(d => d.State == OneClick.Core.Postbacks.PostbackState.Delivered)),
        "every postback is delivered");

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Gateway.Dispose();
        site.Dispose();
    }
}
