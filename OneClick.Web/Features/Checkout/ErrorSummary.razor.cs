namespace OneClick.Web.Features.Checkout;

public sealed partial class ErrorSummary
{
    private static readonly (string Key, string Id, string Label)[] CardFields =
        [("number", "card-number", "Card number"), ("expiry", "card-expiry", "Expiry date"), ("cvc", "card-cvc", "CVC"), ("holder", "card-holder", "Cardholder name")];

    private static readonly (string Key, string Id, string Label)[] BillingFields =
        [("street", "street", "Street and number"), ("postal", "postal", "Postal code"), ("city", "city", "City"), ("country", "country", "Country")];

    /// <summary>
    /// The fields of the card form (<paramref name="model"/> "Card") or the saved-card form ("Saved") that
    /// came back in error, in the form's order; the saved-card choice links to the first card's radio.
    /// </summary>
    public static IReadOnlyList<FieldInError> Of(string model, IReadOnlyDictionary<string, string> errors, IReadOnlyDictionary<string, string> billingErrors, long? firstSavedCardId)
    {
        var own = model == "Card"
            ? CardFields
            : [("saved", $"saved-{firstSavedCardId}", "Saved card"), ("saved-cvc", "saved-cvc", "CVC")];
        var billing = BillingFields.Select(f => (f.Key, Id: $"{model.ToLowerInvariant()}-billing-{f.Id}", f.Label));
        return [.. own.Where(f => errors.ContainsKey(f.Key)).Concat(billing.Where(f => billingErrors.ContainsKey(f.Key)))
            .Select(f => new FieldInError(f.Id, f.Label))];
    }
}
