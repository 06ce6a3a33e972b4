using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Customers;
using OneClick.Tests.Infrastructure;
using OneClick.Tests.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Administration.Commands;
using OneClick.Web.Features.BackOffice.Customers.Commands;
using OneClick.Web.Features.BackOffice.Postbacks.Commands;
using OneClick.Web.Features.BackOffice.Shops;
using OneClick.Web.Features.BackOffice.Shops.Commands;
using OneClick.Web.Features.BackOffice.Staff.Commands;
using OneClick.Web.Features.Refunds.Commands;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// The authorization matrix's part for the interactive pages: what they change, they change over the
/// circuit, so each cell is the command run for that person's principal in a scope of its own
/// (<see cref="StaffOperations"/>), as a crafted circuit message would reach it whatever the page
/// shows. Every refused cell is run and must change nothing; allowed ones are proven where each
/// feature is (SaleRefundTests, SalesAuthorizationTests, PostbackPagesTests, CustomerPageTests, CustomerAuthorizationTests,
/// PeopleTests, AdministrationTests).
/// </summary>
public sealed class AuthorizationMatrixOperationsTests(MatrixGateway fixture) : IClassFixture<MatrixGateway>
{
    private GatewayFactory Gateway => fixture.Gateway;

    /// <summary>
    /// The operations by page; "login": a circuit whose principal is no signed-in person. An
    /// administrator belongs to no merchant, so has none to add people to. Removing a person answers
    /// whoever may not manage people exactly as an unknown person (404), as it answers another
    /// merchant's owner: no list of who exists.
    /// </summary>
    private const string Operations = """
        page and operation                                | anonymous | staff  | owner  | admin  | other staff | other owner
        /account/sales/{sale} refund                      | login     | ok     | ok     | ok     | 404         | 404
        /account/postbacks/{delivery} retry               | login     | ok     | ok     | ok     | 404         | 404
        /account/customers/{customer} set Deny            | login     | ok     | ok     | ok     | 404         | 404
        /account/customers/{customer} remove card         | login     | ok     | ok     | ok     | 404         | 404
        /account/customers/{customer} deactivate contract | login     | denied | ok     | ok     | 404         | 404
        /account/staff add person                         | login     | denied | ok     | denied | denied      | ok
        /account/staff remove {person}                    | login     | 404    | ok     | ok     | 404         | 404
        /account/admin approve One Click                  | login     | denied | denied | ok     | denied      | denied
        /account/admin refuse One Click                   | login     | denied | denied | ok     | denied      | denied
        /account/admin create union                       | login     | denied | denied | ok     | denied      | denied
        /account/admin join union                         | login     | denied | denied | ok     | denied      | denied
        /account/shops/{shop} save settings               | login     | 404    | ok     | ok     | 404         | 404
        /account/shops/{shop} create key                  | login     | 404    | ok     | ok     | 404         | 404
        /account/shops/{shop} retire key                  | login     | 404    | ok     | ok     | 404         | 404
        /account/shops/{shop} request One Click           | login     | 404    | ok     | ok     | 404         | 404
        /account/shops/{shop} create API key              | login     | 404    | ok     | ok     | 404         | 404
        /account/shops/{shop} revoke API key              | login     | 404    | ok     | ok     | 404         | 404
        /account/shops create shop                        | login     | denied | ok     | ok     | denied      | ok
        """;

    /// <summary>Each operation, run; its answer as a cell of <see cref="Operations"/>.</summary>
    private Dictionary<string, Func<StaffOperations, Task<string>>> OperationRuns => new()
    {
        ["/account/sales/{sale} refund"] = async operations => await operations.RunAsync((RefundSale refunds) =>
            refunds.RunAsync(Own("{sale}"), 1.00m, "Forged", CancellationToken.None)) switch
        {
            RefundSaleOutcome.Requested => "ok",
            RefundSaleOutcome.NotFound => "404",
            var other => other.ToString()!,
        },
        ["/account/postbacks/{delivery} retry"] = async operations => await operations.RunAsync((RetryPostback retry) =>
            retry.RunAsync(Own("{delivery}"), CancellationToken.None)) switch
        {
            RetryPostbackOutcome.MadeDue => "ok",
            RetryPostbackOutcome.NotFound => "404",
            var other => other.ToString()!,
        },
        ["/account/customers/{customer} set Deny"] = async operations => await operations.RunAsync((SetCustomerStatus statuses) =>
            statuses.RunAsync(Own("{customer}"), CustomerStatus.Deny, CancellationToken.None)) switch
        {
            SetCustomerStatusOutcome.Changed => "ok",
            SetCustomerStatusOutcome.NotFound => "404",
            var other => other.ToString()!,
        },
        ["/account/customers/{customer} remove card"] = async operations => await operations.RunAsync((RemoveSavedCard cards) =>
            cards.RunAsync(Own("{customer}"), Own("{card}"), CancellationToken.None)) switch
        {
            RemoveSavedCardOutcome.Removed => "ok",
            RemoveSavedCardOutcome.NotFound => "404",
            var other => other.ToString()!,
        },
        ["/account/shops/{shop} save settings"] = async operations => Cell(await operations.RunAsync((UpdateShopSettings update) =>
            update.RunAsync(ShopId, new ShopSettingsForm { Name = "Taken over", WebsiteUrl = "https://evil.test/", SavedCardMinimumPayments = "1", Currencies = [new() { Code = "USD", Accepted = true }] }, CancellationToken.None))),
        ["/account/shops/{shop} create key"] = async operations => Cell(await operations.RunAsync((CreateSignatureKey keys) => keys.RunAsync(ShopId, CancellationToken.None))),
        ["/account/shops/{shop} retire key"] = async operations => Cell(await operations.RunAsync((RetireSignatureKey keys) => keys.RunAsync(ShopId, (int)Own("{key}"), CancellationToken.None))),
        ["/account/shops/{shop} request One Click"] = async operations => Cell(await operations.RunAsync((RequestOneClick requests) => requests.RunAsync(ShopId, CancellationToken.None))),
        ["/account/shops/{shop} create API key"] = async operations => Cell(await operations.RunAsync((CreateApiKey keys) => keys.RunAsync(ShopId, "Planted", CancellationToken.None))),
        ["/account/shops/{shop} revoke API key"] = async operations => Cell(await operations.RunAsync((RevokeApiKey keys) => keys.RunAsync(ShopId, 1, CancellationToken.None))),
        ["/account/shops create shop"] = async operations => Cell(await operations.RunAsync((CreateShop shops) =>
            shops.RunAsync(new ShopCreationForm { ShopId = "99123", Name = "Planted", WebsiteUrl = "https://evil.test/" }, CancellationToken.None))),
        ["/account/customers/{customer} deactivate contract"] = async operations => await operations.RunAsync((DeactivateCustomerContract contracts) =>
            contracts.RunAsync(Own("{customer}"), Own("{contract}"), CancellationToken.None)) switch
        {
            DeactivateCustomerContractOutcome.Deactivated => "ok",
            DeactivateCustomerContractOutcome.Forbidden => "denied",
            DeactivateCustomerContractOutcome.NotFound => "404",
            var other => other.ToString()!,
        },
        ["/account/staff add person"] = async operations => await operations.RunAsync((InvitePerson invite) =>
            invite.RunAsync("planted@staff.test", "Planted", StaffRoles.Owner, "http://localhost/", CancellationToken.None)) switch
        {
            InvitePersonOutcome.Invited => "ok",
            InvitePersonOutcome.NotAllowed => "denied",
            var other => other.ToString()!,
        },
        ["/account/staff remove {person}"] = async operations => await operations.RunAsync((RemovePerson remove) =>
            remove.RunAsync((int)Own("{person}"), CancellationToken.None)) switch
        {
            RemovePersonOutcome.Removed => "ok",
            RemovePersonOutcome.NotFound => "404",
            var other => other.ToString()!,
        },
        ["/account/admin approve One Click"] = async operations => Answered(await operations.RunAsync((AnswerOneClickRequest answers) =>
            answers.RunAsync((int)Own("{shop}"), approve: true, CancellationToken.None))),
        ["/account/admin refuse One Click"] = async operations => Answered(await operations.RunAsync((AnswerOneClickRequest answers) =>
            answers.RunAsync((int)Own("{shop}"), approve: false, CancellationToken.None))),
        ["/account/admin create union"] = async operations => await operations.RunAsync((CreateCustomerUnion unions) =>
            unions.RunAsync("Planted", CancellationToken.None)) switch
        {
            CreateCustomerUnionOutcome.Created => "ok",
            CreateCustomerUnionOutcome.NotAllowed => "denied",
            var other => other.ToString()!,
        },
        ["/account/admin join union"] = async operations =>
        {
            // The other merchant's shop's union: a move that would change something.
            var union = await Gateway.WithDbAsync(db => db.Shops.Where(s => s.Id == CustomerSteps.OtherShopId).Select(s => s.CustomerUnionId).SingleAsync());
            return await operations.RunAsync((JoinShopToUnion joins) => joins.RunAsync((int)Own("{shop}"), union, CancellationToken.None)) switch
            {
                JoinShopToUnionOutcome.Joined => "ok",
                JoinShopToUnionOutcome.NotAllowed => "denied",
                var other => other.ToString()!,
            };
        },
    };

    private static string Answered(AnswerOneClickRequestOutcome outcome) => outcome switch
    {
        AnswerOneClickRequestOutcome.Answered => "ok",
        AnswerOneClickRequestOutcome.NotAllowed => "denied",
        var other => other.ToString()!,
    };

    /// <summary>The shops' changes answer a person who may not make them as they answer an unknown shop.</summary>
    private static string Cell(object outcome) => outcome.GetType().Name switch
    {
        "NotFound" => "404",
        "NotAllowed" or "Forbidden" => "denied",
        "Saved" or "Created" or "Retired" or "Requested" or "Revoked" => "ok",
        var other => other,
    };

    private int ShopId => (int)Own("{shop}");

    private long Own(string id) => long.Parse(fixture.Own[id], CultureInfo.InvariantCulture);

    [Fact]
    public async Task Every_refused_operation_is_refused_as_the_matrix_says_and_changes_nothing()
    {
        var before = await StoredRows.SnapshotAsync(Gateway);
        var wrong = new List<string>();
        AuthorizationMatrixTests.Rows(Operations).Select(r => r.Key).Order().ShouldBe(OperationRuns.Keys.Order(), "each operation of the table is run, and only those");
        foreach (var (operation, cells) in AuthorizationMatrixTests.Rows(Operations))
        {
            foreach (var (person, expected) in cells.Where(c => c.Value != "ok"))
            {
                await using var circuit = new AccountPageContext(Gateway);
                if (fixture.Emails.TryGetValue(person, out var email))
                {
                    await circuit.ActAsAsync(email);
                }

                string answer;
                try
                {
                    answer = await OperationRuns[operation](circuit.Services.GetRequiredService<StaffOperations>());
                }
                catch (StaffSessionEndedException)
                {
                    answer = "login";
                }

                if (answer != expected)
                {
                    wrong.Add($"{person,-12} {operation}: {answer}, expected {expected}");
                }
            }
        }

        wrong.ShouldBeEmpty();
        (await StoredRows.SnapshotAsync(Gateway)).ShouldBe(before);
    }
}
