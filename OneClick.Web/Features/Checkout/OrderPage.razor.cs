using Microsoft.AspNetCore.Components;
using OneClick.Core.Cards;
using OneClick.Core.Orders;
using OneClick.Core.Sales;
using OneClick.Web.Features.Checkout.Localization;
using OneClick.Web.Features.Checkout.Payments;
using OneClick.Web.Features.Wallets;

namespace OneClick.Web.Features.Checkout;

/// <summary>
/// The buyer's order page: full card entry, a saved card with its CVC, a contract's card, or where the
/// order stands. What it shows is read by <see cref="Queries.OrderPageQuery"/>; every payment is a
/// command of <see cref="Payments"/>. This half holds the handlers; the markup is OrderPage.razor.
/// </summary>
public sealed partial class OrderPage
{
    [Parameter]
    public string OrderId { get; set; } = "";

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [SupplyParameterFromForm(FormName = "pay")]
    public CardForm? Card { get; set; }

    [SupplyParameterFromForm(FormName = "saved")]
    public CardForm.SavedCardChoice? Saved { get; set; }

    [SupplyParameterFromForm(FormName = "delete")]
    public CardForm.DeleteCardChoice? Delete { get; set; }

    [SupplyParameterFromForm(FormName = "contract")]
    public CardForm.Confirmation? ContractPay { get; set; }

    [SupplyParameterFromForm(FormName = "cancel")]
    public CardForm.Confirmation? CancelChoice { get; set; }

    /// <summary>A CONTRACT_CREATION order whose contract can no longer be saved: no card form is offered.</summary>
    private bool creationBlocked;

    /// <summary>The cancel URL with the signed fields, as the cancel itself sent the buyer there.</summary>
    private static string? CancelledReturnUrl(OrderView view) => view.Order.DeclineUrl is { } url
        ? OneClick.Core.Protocol.MerchantUrl.WithSignedFields(url, OneClick.Core.Protocol.OkData.CancelFields(view.Shop, view.Order), view.Shop.SigningKey)
        : null;

    /// <summary>The contract a SUBSEQUENT_PAYMENT order charges, when it can still be charged.</summary>
    private OneClick.Core.Contracts.Contract? contract;

    private OneClick.Core.Wallets.SavedCard? confirmingDelete;

    /// <summary>?card=new: the buyer chose "Use a new card" over the saved ones.</summary>
    [SupplyParameterFromQuery(Name = "card")]
    public string? CardChoice { get; set; }

    private bool NewCard => CardChoice == "new";

    private IReadOnlyList<OneClick.Core.Wallets.SavedCard> savedCards = [];

    /// <summary>The merchant set this customer to Deny: no offer to remember the card (rule 8).</summary>
    private bool denied;

    private Dictionary<string, string> billingErrors = [];

    /// <summary>The billing address where the shop requires one; its errors go next to its fields.</summary>
    private OneClick.Core.Orders.BillingAddress? ReadBillingAddress(string? street, string? postalCode, string? city, string? country)
    {
        billingErrors = [];
        if (view is not { Shop.RequiresBillingAddress: true })
        {
            return null;
        }

        var (address, problems) = OneClick.Core.Orders.BillingAddress.Parse(street, postalCode, city, country);
        billingErrors = problems;
        return address;
    }

    private string? Kept(string field, string? value) => billingErrors.ContainsKey(field) ? null : value;

    /// <summary>The fields of the card form ("Card") or the saved-card form ("Saved") that came back in error.</summary>
    private IReadOnlyList<ErrorSummary.FieldInError> FieldsInError(string model) =>
        ErrorSummary.Of(model, errors, billingErrors, savedCards.Count > 0 ? savedCards[0].Id : null);

    private bool OffersRemember => view is not null && view.Order.MayUseOneClickAt(view.Shop) && !denied;

    private OneClick.Core.Wallets.SavedCard? FirstUnlocked => savedCards.FirstOrDefault(c => !c.IsLocked(Now));

    private DateTime Now => Clock.GetUtcNow().UtcDateTime;

    private string LockedText(DateTime until) =>
        T["This card is locked for payments without full card details until {0} UTC, because a wrong security code (CVC) was entered too many times. Use a new card, or try again later.", BuyerFormat.Time(until)];

    private OrderView? view;
    private readonly Dictionary<string, string> errors = [];
    private string? banner;
    private CardBrand recognised;

    private string BrandHint => recognised == CardBrand.Unknown
        ? T["The 12 to 19 digits on the front of the card"]
        : T["Recognised as {0}. For your security, please type the number again.", recognised.DisplayName()];

    protected override async Task OnInitializedAsync()
    {
        // Checked by default when the page is shown; a posted form says for itself.
        Card ??= new CardForm { Remember = true };
        Saved ??= new CardForm.SavedCardChoice();
        Delete ??= new CardForm.DeleteCardChoice();
        ContractPay ??= new CardForm.Confirmation();
        CancelChoice ??= new CardForm.Confirmation();
        if (await PageQuery.RunAsync(OrderId, BrowserWallets.BrowserIdHash(HttpContext), withToken: true, CancellationToken.None) is { } data)
        {
            (view, contract, creationBlocked, savedCards, denied) = (data.View, data.Contract, data.CreationBlocked, data.SavedCards, data.Denied);
        }

        if (view?.Order.BillingAddress is { } given && !IsPost)
        {
            // After a decline the address the buyer gave is still theirs: "Try again" keeps it.
            (Card.Street, Card.PostalCode, Card.City, Card.Country) = (given.Street, given.PostalCode, given.City, given.Country);
            (Saved.Street, Saved.PostalCode, Saved.City, Saved.Country) = (given.Street, given.PostalCode, given.City, given.Country);
        }

        if (view is null)
        {
            Navigation.NotFound();
        }
        else if (view.Order.State == OrderState.AwaitingAuthentication && !IsPost)
        {
            Navigation.NavigateTo($"/order/{OrderId}/authenticate");
        }

    }

    private void ShowWhereOrderStands() => Navigation.NavigateTo($"/order/{OrderId}");

    private async Task PayAsync()
    {
        if (view is null || Card is null)
        {
            return;
        }

        if (RefusedForRepeatedField())
        {
            return;
        }

        errors.Clear();
        var number = CardNumber.Parse(Card.Number);
        recognised = number.Brand;
        if (number.Error is not null)
        {
            errors["number"] = number.Error;
        }

        var expiry = CardExpiry.Parse(Card.Expiry, Clock.GetUtcNow());
        if (expiry.Error is not null)
        {
            errors["expiry"] = expiry.Error;
        }

        var (cvc, cvcError) = Cvc.Parse(Card.Cvc, number.Brand);
        // The number and the CVC are never sent back to the browser; the buyer types them again. Out
        // of the form before the first await: the page is rendered while this handler awaits the
        // acquirer, and that rendering goes out in the answer's body, redirect or not.
        Card.Number = null;
        Card.Cvc = null;
        if (cvcError is not null)
        {
            errors["cvc"] = cvcError;
        }

        var holder = CardForm.CheckHolder(Card.Holder, out var holderError);
        if (holderError is not null)
        {
            errors["holder"] = holderError;
        }

        var billing = ReadBillingAddress(Card.Street, Card.PostalCode, Card.City, Card.Country);
        // A refused address field is not shown again: it may hold a card number typed in the wrong place.
        (Card.Street, Card.PostalCode, Card.City) = (Kept("street", Card.Street), Kept("postal", Card.PostalCode), Kept("city", Card.City));
        if (errors.Count > 0 || billingErrors.Count > 0)
        {
            // Nor is anything that looks like a number typed into the wrong field.
            if (errors.ContainsKey("expiry") && !CardForm.IsSafeToShowAsExpiry(Card.Expiry))
            {
                Card.Expiry = null;
            }

            if (errors.ContainsKey("holder"))
            {
                Card.Holder = null;
            }

            return;
        }

        // The token an approval issues is bound to this browser: it gets its id now if it has none.
        var remember = Card.Remember && OffersRemember;
        var browser = remember && HttpContext is not null ? Browsers.EnsureBrowser(HttpContext) : BrowserWallets.BrowserIdHash(HttpContext);
        var outcome = await PayWithCard.RunAsync(OrderId, number.Number!, expiry.Expiry!.Value, cvc!, holder!, remember, browser, CancellationToken.None, billing);
        await FollowAsync(outcome);
    }

    private async Task PaySavedAsync()
    {
        if (view is null || Saved is null)
        {
            return;
        }

        if (RefusedForRepeatedField())
        {
            return;
        }

        errors.Clear();
        var card = savedCards.FirstOrDefault(c => c.Id == Saved.CardId);
        if (card is null)
        {
            errors["saved"] = "Choose one of your saved cards, or use a new card.";
            return;
        }

        if (card.IsLocked(Now))
        {
            errors["saved"] = LockedText(card.LockedUntil!.Value);
            return;
        }

        var (cvc, cvcError) = Cvc.Parse(Saved.Cvc, card.Brand);
        Saved.Cvc = null;
        if (cvcError is not null)
        {
            errors["saved-cvc"] = cvcError;
        }

        var billing = ReadBillingAddress(Saved.Street, Saved.PostalCode, Saved.City, Saved.Country);
        (Saved.Street, Saved.PostalCode, Saved.City) = (Kept("street", Saved.Street), Kept("postal", Saved.PostalCode), Kept("city", Saved.City));
        if (errors.Count > 0 || billingErrors.Count > 0)
        {
            return;
        }

        var browser = HttpContext is not null ? Browsers.EnsureBrowser(HttpContext) : null;
        var outcome = await PayWithSavedCard.RunAsync(OrderId, card.Id, cvc, browser, CancellationToken.None, billing);
        if (outcome is PaymentOutcome.CardUnavailable)
        {
            errors["saved"] = "This card can no longer be used here: use a new card.";
            return;
        }

        if (outcome is PaymentOutcome.CardLocked locked)
        {
            errors["saved"] = LockedText(locked.Until);
            return;
        }

        await FollowAsync(outcome);
    }

    /// <summary>SUBSEQUENT_PAYMENT: the contract's card, no card entry; 3-D Secure follows.</summary>
    private async Task PayContractAsync()
    {
        if (RefusedForRepeatedField())
        {
            return;
        }

        // Only the button's own post (Confirmed=true) pays, as only a confirmed delete deletes.
        if (ContractPay?.Confirmed != true)
        {
            ShowWhereOrderStands();
            return;
        }

        var outcome = await PayContract.RunAsync(OrderId, CancellationToken.None);
        if (outcome is PaymentOutcome.ContractUnavailable)
        {
            contract = null;
            return;
        }

        await FollowAsync(outcome);
    }

    /// <summary>The buyer gives up an API order: it closes, and the buyer goes back to the merchant's cancel URL.</summary>
    private async Task CancelAsync()
    {
        if (RefusedForRepeatedField())
        {
            return;
        }

        if (CancelChoice?.Confirmed != true)
        {
            ShowWhereOrderStands();
            return;
        }

        var target = (await CancelOrder.RunAsync(OrderId, CancellationToken.None)).ReturnUrl;
        if (target is null)
        {
            ShowWhereOrderStands();
            return;
        }

        Navigation.NavigateTo(target);
    }

    /// <summary>"Delete card" asks first; "Yes, delete" forgets the card and its tokens.</summary>
    private async Task DeleteAsync()
    {
        if (RefusedForRepeatedField())
        {
            return;
        }

        var card = savedCards.FirstOrDefault(c => c.Id == Delete?.CardId);
        if (view is null || card is null)
        {
            ShowWhereOrderStands();
            return;
        }

        if (Delete!.Confirmed != true)
        {
            confirmingDelete = card;
            return;
        }

        await Wallets.DeleteCardAsync(view.Shop, view.Order.CustomerNumber, BrowserWallets.BrowserIdHash(HttpContext), card.Id, CancellationToken.None);
        ShowWhereOrderStands();
    }

    /// <summary>
    /// A post that gives a field twice, which no form of this page does: the form binder would take
    /// one value and drop the other, so nothing is done and the buyer fills the form in again.
    /// </summary>
    private bool RefusedForRepeatedField()
    {
        if (HttpContext?.Request is not { HasFormContentType: true } request || !request.Form.Any(f => f.Value.Count > 1))
        {
            return false;
        }

        banner = "The form arrived with a field given twice, so nothing was done. Please fill it in again.";
        // Nothing typed is sent back: unchecked, any field may hold a card number typed in the wrong place.
        if (Card is not null)
        {
            (Card.Number, Card.Cvc, Card.Expiry, Card.Holder) = (null, null, null, null);
            (Card.Street, Card.PostalCode, Card.City) = (null, null, null);
        }

        if (Saved is not null)
        {
            (Saved.Cvc, Saved.Street, Saved.PostalCode, Saved.City) = (null, null, null, null);
        }

        return true;
    }

    private async Task FollowAsync(PaymentOutcome outcome)
    {
        switch (outcome)
        {
            case PaymentOutcome.ChallengeRequired:
                Navigation.NavigateTo($"/order/{OrderId}/authenticate");
                break;
            case PaymentOutcome.Declined { OrderClosed: false } declined:
                Navigation.NavigateTo($"/order/{OrderId}/declined/{declined.SaleId}");
                break;
            case PaymentOutcome.ContractUnavailable:
                view = await Views.LoadAsync(OrderId, CancellationToken.None);
                creationBlocked = view?.Order.Recurrence == RecurrenceAction.ContractCreation;
                break;
            case PaymentOutcome.Unavailable:
                banner = DeclineReason.AcquirerUnavailable.ForBuyer();
                view = await Views.LoadAsync(OrderId, CancellationToken.None);
                break;
            default:
                // Approved, closed, or taken by a parallel submission: the order page shows where it stands.
                Navigation.NavigateTo($"/order/{OrderId}");
                break;
        }
    }

    private bool IsPost => HttpMethods.IsPost(HttpContext?.Request.Method ?? "GET");

    private string FieldClass(string field) => errors.ContainsKey(field) ? "form-control is-invalid" : "form-control";

    private string? Invalid(string field) => errors.ContainsKey(field) ? "true" : null;
}
