using OneClick.Core;
using OneClick.Core.Acquiring;
using OneClick.Core.Cards;
using OneClick.Core.Sales;

namespace OneClick.Tests.Core.Acquiring;

public class SandboxAcquirerTests
{
    private static readonly CardExpiry Expiry = new(2030, 12);

    private readonly SandboxAcquirer acquirer = new();

    private static AuthorizationRequest Request(string card, string? cvc = "123", bool storedCredential = false, bool authenticationRequired = false)
    {
        var number = CoreTestData.Card(card.Replace(" ", "", StringComparison.Ordinal));
        var parsedCvc = cvc is null ? null : Cvc.Parse(cvc, number.Brand).Cvc ?? throw new ArgumentException($"bad CVC {cvc}", nameof(cvc));
        return new AuthorizationRequest(number, Expiry, parsedCvc, "Ada Lovelace", new Money(9.99m, "USD"), "order-1", storedCredential, authenticationRequired);
    }

    private Task<AuthorizationResult> Authorize(string card, string? cvc = "123", bool storedCredential = false, bool authenticationRequired = false) =>
        acquirer.AuthorizeAsync(Request(card, cvc, storedCredential, authenticationRequired), CancellationToken.None);

    [Theory]
    [InlineData("4242 4242 4242 4242", "123")]
    [InlineData("5555 5555 5555 4444", "123")]
    [InlineData("3782 822463 10005", "1234")]
    [InlineData("6011111111111117", "123")]
    public async Task AuthorizeAsync_approving_card_approves(string card, string cvc)
    {
        var result = await Authorize(card, cvc);

        var approved = result.ShouldBeOfType<AuthorizationResult.Approved>();
        approved.TransactionId.ShouldStartWith("sbx_");
    }

    [Theory]
    [InlineData("4000 0000 0000 0002", DeclineReason.CardDeclined)]
    [InlineData("4000 0000 0000 9995", DeclineReason.InsufficientFunds)]
    [InlineData("4000 0000 0000 0127", DeclineReason.IncorrectCvc)]
    [InlineData("4000 0000 0000 0069", DeclineReason.ExpiredCard)]
    public async Task AuthorizeAsync_declining_card_declines_with_reason(string card, DeclineReason reason)
    {
        var result = await Authorize(card);

        var declined = result.ShouldBeOfType<AuthorizationResult.Declined>();
        declined.Reason.ShouldBe(reason);
        declined.TransactionId.ShouldStartWith("sbx_");
    }

    [Fact]
    public async Task AuthorizeAsync_acquirer_error_card_is_unavailable()
    {
        var result = await Authorize("4000 0000 0000 0119");

        result.ShouldBeOfType<AuthorizationResult.Unavailable>().Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task AuthorizeAsync_0341_card_on_first_sale_approves()
    {
        var result = await Authorize("4000 0000 0000 0341", storedCredential: false);

        result.ShouldBeOfType<AuthorizationResult.Approved>();
    }

    [Fact]
    public async Task AuthorizeAsync_0341_card_as_stored_credential_declines()
    {
        var result = await Authorize("4000 0000 0000 0341", cvc: null, storedCredential: true);

        result.ShouldBeOfType<AuthorizationResult.Declined>().Reason.ShouldBe(DeclineReason.CardDeclined);
    }

    [Fact]
    public async Task AuthorizeAsync_0341_card_as_stored_credential_with_cvc_declines()
    {
        var result = await Authorize("4000 0000 0000 0341", cvc: "123", storedCredential: true);

        result.ShouldBeOfType<AuthorizationResult.Declined>().Reason.ShouldBe(DeclineReason.CardDeclined);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AuthorizeAsync_3184_card_asks_for_challenge(bool storedCredential)
    {
        var result = await Authorize("4000 0027 6000 3184", storedCredential: storedCredential);

        result.ShouldBeOfType<AuthorizationResult.ChallengeRequired>().TransactionId.ShouldStartWith("sbx_");
    }

    [Fact]
    public async Task CompleteAuthenticationAsync_authenticated_approves_same_transaction()
    {
        var challenge = (AuthorizationResult.ChallengeRequired)await Authorize("4000 0027 6000 3184");

        var result = await acquirer.CompleteAuthenticationAsync(challenge.TransactionId, authenticated: true, CancellationToken.None);

        result.ShouldBeOfType<AuthorizationResult.Approved>().TransactionId.ShouldBe(challenge.TransactionId);
    }

    [Fact]
    public async Task CompleteAuthenticationAsync_not_authenticated_declines_with_authentication_failed()
    {
        var challenge = (AuthorizationResult.ChallengeRequired)await Authorize("4000 0027 6000 3184");

        var result = await acquirer.CompleteAuthenticationAsync(challenge.TransactionId, authenticated: false, CancellationToken.None);

        var declined = result.ShouldBeOfType<AuthorizationResult.Declined>();
        declined.Reason.ShouldBe(DeclineReason.AuthenticationFailed);
        declined.TransactionId.ShouldBe(challenge.TransactionId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task CompleteAuthenticationAsync_without_transaction_id_throws(string? transactionId)
    {
        await Should.ThrowAsync<ArgumentException>(() => acquirer.CompleteAuthenticationAsync(transactionId!, true, CancellationToken.None));
    }

    [Theory]
    [InlineData("4242 4242 4242 4242", "000")]
    [InlineData("5555 5555 5555 4444", "000")]
    [InlineData("4000 0000 0000 0341", "000")]
    [InlineData("3782 822463 10005", "0000")]
    public async Task AuthorizeAsync_cvc_000_on_approving_card_declines_as_incorrect_cvc(string card, string cvc)
    {
        var result = await Authorize(card, cvc);

        result.ShouldBeOfType<AuthorizationResult.Declined>().Reason.ShouldBe(DeclineReason.IncorrectCvc);
    }

    [Theory]
    [InlineData("001")]
    [InlineData("100")]
    [InlineData("999")]
    public async Task AuthorizeAsync_any_other_cvc_approves(string cvc)
    {
        (await Authorize("4242 4242 4242 4242", cvc)).ShouldBeOfType<AuthorizationResult.Approved>();
    }

    [Fact]
    public async Task AuthorizeAsync_without_cvc_on_stored_card_approves()
    {
        (await Authorize("4242 4242 4242 4242", cvc: null, storedCredential: true)).ShouldBeOfType<AuthorizationResult.Approved>();
    }

    [Fact]
    public async Task AuthorizeAsync_gives_a_new_transaction_id_each_time()
    {
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(((AuthorizationResult.Approved)await Authorize("4242 4242 4242 4242")).TransactionId);
        }

        ids.Distinct(StringComparer.Ordinal).Count().ShouldBe(ids.Count);
    }

    [Fact]
    public async Task AuthorizeAsync_null_request_throws()
    {
        await Should.ThrowAsync<ArgumentNullException>(() => acquirer.AuthorizeAsync(null!, CancellationToken.None));
    }

    [Theory]
    [InlineData("4242 4242 4242 4242", SandboxAcquirer.TestCards.Visa)]
    [InlineData("5555 5555 5555 4444", SandboxAcquirer.TestCards.Mastercard)]
    [InlineData("3782 822463 10005", SandboxAcquirer.TestCards.Amex)]
    [InlineData("4000 0000 0000 0002", SandboxAcquirer.TestCards.Declined)]
    [InlineData("4000 0000 0000 9995", SandboxAcquirer.TestCards.InsufficientFunds)]
    [InlineData("4000 0000 0000 0127", SandboxAcquirer.TestCards.IncorrectCvc)]
    [InlineData("4000 0000 0000 0069", SandboxAcquirer.TestCards.ExpiredCard)]
    [InlineData("4000 0000 0000 0119", SandboxAcquirer.TestCards.AcquirerError)]
    [InlineData("4000 0000 0000 0341", SandboxAcquirer.TestCards.DeclinedAfterFirstSale)]
    [InlineData("4000 0027 6000 3184", SandboxAcquirer.TestCards.ThreeDSecure)]
    public void TestCards_are_the_cards_of_the_protocol(string protocolCard, string constant)
    {
        CardNumber.Parse(protocolCard).Number!.Digits.ShouldBe(constant);
    }

    // ---- AuthenticationRequired: both phases of a CIT contract (docs/protocol.md section 7) ----

    [Theory]
    [InlineData("4242 4242 4242 4242", "123", false)]
    [InlineData("5555 5555 5555 4444", "123", false)]
    [InlineData("3782 822463 10005", "1234", false)]
    [InlineData("4242 4242 4242 4242", null, true)]
    [InlineData("4000 0000 0000 0341", "123", false)]
    public async Task AuthorizeAsync_approving_card_with_authentication_required_asks_for_challenge(string card, string? cvc, bool storedCredential)
    {
        var result = await Authorize(card, cvc, storedCredential, authenticationRequired: true);

        result.ShouldBeOfType<AuthorizationResult.ChallengeRequired>().TransactionId.ShouldStartWith("sbx_");
    }

    [Theory]
    [InlineData("4000 0000 0000 0002", DeclineReason.CardDeclined)]
    [InlineData("4000 0000 0000 9995", DeclineReason.InsufficientFunds)]
    [InlineData("4000 0000 0000 0127", DeclineReason.IncorrectCvc)]
    [InlineData("4000 0000 0000 0069", DeclineReason.ExpiredCard)]
    public async Task AuthorizeAsync_declining_card_with_authentication_required_still_declines(string card, DeclineReason reason)
    {
        var result = await Authorize(card, authenticationRequired: true);

        result.ShouldBeOfType<AuthorizationResult.Declined>().Reason.ShouldBe(reason);
    }

    [Fact]
    public async Task AuthorizeAsync_0341_card_as_stored_credential_with_authentication_required_still_declines()
    {
        var result = await Authorize("4000 0000 0000 0341", cvc: null, storedCredential: true, authenticationRequired: true);

        result.ShouldBeOfType<AuthorizationResult.Declined>().Reason.ShouldBe(DeclineReason.CardDeclined);
    }

    [Fact]
    public async Task AuthorizeAsync_cvc_000_with_authentication_required_still_declines_as_incorrect_cvc()
    {
        var result = await Authorize("4242 4242 4242 4242", "000", authenticationRequired: true);

        result.ShouldBeOfType<AuthorizationResult.Declined>().Reason.ShouldBe(DeclineReason.IncorrectCvc);
    }

    [Fact]
    public async Task AuthorizeAsync_acquirer_error_card_with_authentication_required_is_unavailable()
    {
        (await Authorize("4000 0000 0000 0119", authenticationRequired: true)).ShouldBeOfType<AuthorizationResult.Unavailable>();
    }

    [Fact]
    public async Task CompleteAuthenticationAsync_after_a_required_challenge_approves()
    {
        var challenge = (AuthorizationResult.ChallengeRequired)await Authorize("4242 4242 4242 4242", authenticationRequired: true);

        var result = await acquirer.CompleteAuthenticationAsync(challenge.TransactionId, authenticated: true, CancellationToken.None);

        result.ShouldBeOfType<AuthorizationResult.Approved>().TransactionId.ShouldBe(challenge.TransactionId);
    }

    [Fact]
    public void AuthorizationRequest_ToString_hides_number_and_cvc()
    {
        var request = Request("4000 0027 6000 3184", "987");

        var text = request.ToString();

        text.ShouldNotContain("4000002760003184");
        text.ShouldNotContain("987");
        text.ShouldContain("400000XXXXXX3184");
    }
}
