using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OneClick.Core.Acquiring;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security;

/// <summary>
/// The order page never sends a typed card number or CVC back, not even while the payment is under
/// way: a form's page is rendered once more while its handler awaits (the acquirer, the order's
/// write turn), and the answer carries that rendering in its body even when it ends in a redirect.
/// Found by the whole-suite sweep (<see cref="CardDataSweepTests"/>) on concurrent submissions.
/// </summary>
public sealed class CardEchoTests
{
    private const string Number = "4242 4242 4242 4242";
    private const string Cvc = "731";

    [Fact]
    public async Task Pay_answer_holds_no_card_number_or_cvc_when_the_acquirer_takes_its_time()
    {
        // A real bank answers over the network; the sandbox answers at once.
        using var gateway = new GatewayFactory().WithServices(s => s.Replace(ServiceDescriptor.Singleton<IAcquirer>(new SlowAcquirer(new SandboxAcquirer()))));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());

        var (status, body) = await PostPayAsync(buyer, page);

        status.ShouldBe(HttpStatusCode.Redirect);
        ShouldHoldNoCardData(body);
    }

    [Fact]
    public async Task Pay_submitted_again_while_the_first_runs_answers_without_card_number_or_cvc()
    {
        using var gateway = new GatewayFactory().WithServices(s => s.Replace(ServiceDescriptor.Singleton<IAcquirer>(new SlowAcquirer(new SandboxAcquirer()))));
        var buyer = Buyer.Of(gateway);
        var page = await buyer.StartAsync(Merchant.Purchase());

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostPayAsync(buyer, page)));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.Redirect);
        foreach (var (_, body) in answers)
        {
            ShouldHoldNoCardData(body);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostPayAsync(Buyer buyer, Page page)
    {
        var token = page.Document.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var response = await buyer.Client.PostAsync(page.Url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "pay",
            ["__RequestVerificationToken"] = token,
            ["Card.Number"] = Number,
            ["Card.Expiry"] = "12/30",
            ["Card.Cvc"] = Cvc,
            ["Card.Holder"] = "Jane Buyer",
        }));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void ShouldHoldNoCardData(string body)
    {
        CardDataDetector.ScanText(body).ShouldBeEmpty();
        body.ShouldNotContain(Number);
        body.ShouldNotContain(Number.Replace(" ", "", StringComparison.Ordinal));
    }

    private sealed class SlowAcquirer(IAcquirer inner) : IAcquirer
    {
        public async Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(50, cancellationToken);
            return await inner.AuthorizeAsync(request, cancellationToken);
        }

        public Task<AuthorizationResult> CompleteAuthenticationAsync(string transactionId, bool authenticated, CancellationToken cancellationToken) =>
            inner.CompleteAuthenticationAsync(transactionId, authenticated, cancellationToken);

        public Task<RefundResult> RefundAsync(string transactionId, OneClick.Core.Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
            inner.RefundAsync(transactionId, amount, idempotencyKey, cancellationToken);
    }
}
