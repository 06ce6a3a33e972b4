using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Cards;
using OneClick.Core.Contracts;
using OneClick.Core.Customers;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.Staff;
using OneClick.Web.Features.Wallets;

namespace OneClick.Tests.Web.Features.BackOffice.Customers;

/// <summary>Customers made the way buyers make them (real purchases), and shops of another merchant.</summary>
internal static class CustomerSteps
{
    public const string OtherKey = "OtherShopKey-0123456789abcdef";
    public const int OtherShopId = 70010;
    public const string Mastercard = "5555 5555 5555 4444";

    /// <summary>A gateway with One Click on for the seeded shop.</summary>
    public static GatewayFactory NewGateway() =>
        new GatewayFactory().Set("OneClick:Seed:OneClickEnabled", "true");

    /// <summary>A full-entry purchase that remembers the card: the customer becomes a Member.</summary>
    public static async Task FirstPurchaseAsync(GatewayFactory gateway, string customerNumber, int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey, string card = Buyer.Visa, string amount = "10.00")
    {
        var buyer = Buyer.Of(gateway);
        // A customer with a saved card is offered it first: "Use a new card" leads to full entry.
        var page = await buyer.UseNewCardAsync(await buyer.StartAsync(Merchant.Purchase(amount, shopId: shopId, customerNumber: customerNumber), key));
        (await buyer.PayAsync(page, card)).Heading.ShouldBe("Payment approved");
    }

    /// <summary>A one-click payment: the saved card and its CVC, in a fresh browser.</summary>
    public static async Task PaySavedAsync(GatewayFactory gateway, string customerNumber, string amount, int shopId = GatewayFactory.ShopId, string key = GatewayFactory.SignatureKey)
    {
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase(amount, shopId: shopId, customerNumber: customerNumber), key);
        page.Heading.ShouldBe("Pay with your saved card");
        (await buyer.PaySavedAsync(page)).Heading.ShouldBe("Payment approved");
    }

    /// <summary>A shop of another merchant, with One Click on; returns that merchant's id.</summary>
    public static async Task<int> AddOtherMerchantShopAsync(GatewayFactory gateway, int shopId = OtherShopId, string key = OtherKey)
    {
        await gateway.AddShopAsync(shopId, key, postbackUrl: null);
        await gateway.WithDbAsync(async db =>
        {
            (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == shopId)).SetOneClick(true);
            return await db.SaveChangesAsync();
        });
        return await BackOfficeStaff.MerchantOfShopAsync(gateway, shopId);
    }

    /// <summary>Puts a shop into the customer union of another (an administrator's act).</summary>
    public static Task<int> JoinUnionAsync(GatewayFactory gateway, int shopId, int unionOfShopId) => gateway.WithDbAsync(async db =>
    {
        var union = (await db.Shops.Include(s => s.CustomerUnion).AsSingleQuery().SingleAsync(s => s.Id == unionOfShopId)).CustomerUnion!;
        (await db.Shops.AsSingleQuery().SingleAsync(s => s.Id == shopId)).JoinUnion(union);
        return await db.SaveChangesAsync();
    });

    public static Task<Customer> CustomerAsync(GatewayFactory gateway, string number, int shopId = GatewayFactory.ShopId) => gateway.WithDbAsync(async db =>
    {
        var union = await db.Shops.Where(s => s.Id == shopId).Select(s => s.CustomerUnionId).SingleAsync();
        return await db.Customers.AsNoTracking().SingleAsync(c => c.CustomerUnionId == union && c.Number == number);
    });

    /// <summary>
    /// A CIT contract saved straight in the database as an approved CONTRACT_CREATION leaves it (the
    /// number encrypted by the gateway's own vault), activated unless <paramref name="activate"/> is
    /// false, then charged to <paramref name="payments"/>; the customer is created in the shop's union
    /// when new. Returns the contract's database id.
    /// </summary>
    public static Task<long> ContractAsync(GatewayFactory gateway, string customerNumber, string contractId, int shopId = GatewayFactory.ShopId, string card = Buyer.Visa, int payments = 1, bool activate = true) =>
        gateway.WithDbAsync(async db =>
        {
            var now = gateway.Clock.GetUtcNow().UtcDateTime;
            var union = await db.Shops.Where(s => s.Id == shopId).Select(s => s.CustomerUnionId).SingleAsync();
            var customer = await db.Customers.SingleOrDefaultAsync(c => c.CustomerUnionId == union && c.Number == customerNumber);
            if (customer is null)
            {
                customer = new Customer(union, customerNumber, now);
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
            }

            var number = CardNumber.Parse(card).Number!;
            var pan = gateway.Services.GetRequiredService<CardVault>().Encrypt(number);
            var contract = new Contract(shopId, contractId, customer.Id, "order-of-" + contractId, number, new CardExpiry(2030, 12), "Jane Buyer", pan, now);
            if (activate)
            {
                contract.Activate(now);
                for (var i = 1; i < payments; i++)
                {
                    contract.Charged(now);
                }
            }

            db.Contracts.Add(contract);
            await db.SaveChangesAsync();
            return contract.Id;
        });

    public static Task<Contract> StoredContractAsync(GatewayFactory gateway, long id) =>
        gateway.WithDbAsync(db => db.Contracts.AsNoTracking().SingleAsync(c => c.Id == id));

    /// <summary>A gateway administrator with no account of their own: the audit names them "(system)".</summary>
    public static readonly ClaimsPrincipal Administrator = new(new ClaimsIdentity([new Claim(ClaimTypes.Role, StaffRoles.Administrator)], "test"));

    /// <summary>A back-office person with an account (merchant null for an administrator), as their sign-in cookie names them.</summary>
    public static async Task<ClaimsPrincipal> PersonAsync(GatewayFactory gateway, string role, int? merchantId, string email) =>
        (await CommandCaller.SignedInAsync(gateway, role, merchantId, email)).Principal;

    /// <summary>
    /// Runs a command or query in a request scope of its own, as this person would from a page. The
    /// person is set in the same async flow as the call: the HTTP context accessor is async-local.
    /// </summary>
    public static async Task<T> AsAsync<T>(GatewayFactory gateway, ClaimsPrincipal person, Func<IServiceProvider, Task<T>> action)
    {
        await using var request = new CommandCaller(gateway, person).Open();
        return await action(request.Services);
    }

    /// <summary>
    /// Sets a customer to Deny, or lifts it, as an administrator does in the back-office; a customer
    /// the gateway has not met yet is recorded first (denied before their first purchase).
    /// </summary>
    public static async Task<SetCustomerStatusOutcome> SetStatusAsync(GatewayFactory gateway, string number, CustomerStatus status, int shopId = GatewayFactory.ShopId)
    {
        long id;
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var union = await gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == shopId).Select(s => s.CustomerUnionId).SingleAsync());
            id = (await scope.ServiceProvider.GetRequiredService<UnionCustomers>().FindOrAddAsync(union, number, CancellationToken.None)).Id;
        }

        return await AsAsync(gateway, Administrator, services => services.GetRequiredService<SetCustomerStatus>().RunAsync(id, status, CancellationToken.None));
    }

    /// <summary>The rows of the table in the customer page's section with this heading (as first answered over HTTP): their cells' text, spaces collapsed.</summary>
    public static List<List<string>> Cells(Page page, string heading) => Cells(page.Document.QuerySelectorAll("section"), heading);

    /// <summary>The rows of the table in the customer page's section with this heading (as the circuit shows it now).</summary>
    public static List<List<string>> Cells(IRenderedComponent<CustomerPage> page, string heading) => Cells(page.FindAll("section"), heading);

    private static List<List<string>> Cells(IEnumerable<IElement> sections, string heading) =>
        [.. sections
            .Single(s => s.QuerySelector("h2")?.TextContent.Trim() == heading)
            .QuerySelectorAll("tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(td => string.Join(' ', td.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList())];

    /// <summary>
    /// Opens a customer's page as the circuit of the person <paramref name="context"/> acts as, once
    /// its first read is in (one page at a time, as in a tab: MudBlazor's providers allow one of each).
    /// </summary>
    public static async Task<IRenderedComponent<CustomerPage>> OpenCustomerAsync(AccountPageContext context, long customerId)
    {
        await context.DisposeComponentsAsync();
        var page = context.Render<CustomerPage>(p => p.Add(c => c.Id, customerId));
        page.WaitForAssertion(() => page.Find("h1").TextContent.ShouldStartWith("Customer "));
        return page;
    }

    /// <summary>
    /// The customer list at <paramref name="query"/> as the person's circuit renders it, once its grid
    /// has loaded (it then puts its view in the address): the customer numbers listed, and the markup.
    /// </summary>
    public static async Task<(List<string> Numbers, string Markup)> ListAsPersonAsync(GatewayFactory gateway, string email, string query = "")
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsAsync(email);
        var list = OpenList(circuit, query);
        return (Numbers(list), list.Markup);
    }

    /// <summary>Opens the customer list at <paramref name="query"/> and waits until its grid has loaded.</summary>
    public static IRenderedComponent<CustomerList> OpenList(AccountPageContext context, string query = "") =>
        context.OpenList<CustomerList>("/account/customers" + query, "No customers match.");

    /// <summary>The customer numbers the list's grid shows, in its order.</summary>
    public static List<string> Numbers(IRenderedComponent<CustomerList> list) =>
        [.. list.FindAll("table tbody tr td:first-child a").Select(a => a.TextContent.Trim())];

    /// <summary>Presses a button of the page, then the dialog's button that confirms (or cancels) it.</summary>
    public static void PressAndAnswer(IRenderedComponent<CustomerPage> page, string button, string answer)
    {
        page.Press(button);
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldHaveSingleItem());
        page.Press(answer);
        page.WaitForAssertion(() => page.FindAll(".mud-dialog").ShouldBeEmpty());
    }
}
