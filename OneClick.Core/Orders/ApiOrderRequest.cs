using System.Globalization;
using OneClick.Core.Customers;
using OneClick.Core.Shops;

namespace OneClick.Core.Orders;

/// <summary>How an order reached the gateway.</summary>
public enum OrderChannel
{
    /// <summary>The signed startorder redirect (docs/protocol.md section 3).</summary>
    StartOrder,

    /// <summary><c>POST /api/v1/orders/hpp</c>: the merchant sends the buyer to the hosted page.</summary>
    HostedPage,

    /// <summary><c>POST /api/v1/orders/paybylink</c>: a link the merchant sends to the buyer, valid until it expires.</summary>
    PayByLink,
}

/// <summary>The <c>recurrence.action</c> of an API order (docs/protocol.md section 7).</summary>
public enum RecurrenceAction
{
    NoRecurring,

    /// <summary>Saves the card under the contract after a 3-D Secure authenticated approval.</summary>
    ContractCreation,

    /// <summary>Charges the contract's card without card entry, 3-D Secure authenticated.</summary>
    SubsequentPayment,
}

/// <summary>An API order whose every field has been checked against the protocol and the shop.</summary>
public sealed record ApiOrderRequest(
    OrderChannel Channel,
    int ShopId,
    string OrderId,
    Money Price,
    string? CustomerId,
    string Description,
    Uri ResultUrl,
    Uri CancelUrl,
    Uri? NotificationUrl,
    RecurrenceAction Recurrence,
    string? ContractId,
    DateTime? ExpiresAt,
    string? Language = null);

/// <summary>The fields of an API order body as they arrived, before any rule was checked.</summary>
public sealed record ApiOrderFields(
    string? OrderId,
    long? Amount,
    string? Currency,
    string? CustomerId,
    string? Description,
    string? ResultUrl,
    string? CancelUrl,
    string? NotificationUrl,
    string? RecurrenceAction,
    string? ContractId,
    string? ContractType,
    string? ExpiresAt,
    string? Language = null);

/// <summary>
/// Checks an API order body (docs/protocol.md section 7). Every error names the field by its JSON path and
/// says what to send instead; the rules that depend on stored contracts are the caller's.
/// </summary>
public static partial class ApiOrderParser
{
    public const int MaxOrderIdLength = 64;

    public const int MaxContractIdLength = 64;

    /// <summary>A pay-by-link may stay open this long at most: an old link is a risk, not a convenience.</summary>
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromDays(30);

    /// <summary>The shortest link lifetime: a link that expires before the buyer can open it is a mistake.</summary>
    public static readonly TimeSpan MinLinkLifetime = TimeSpan.FromMinutes(5);

    public static (ApiOrderRequest? Request, IReadOnlyList<ParameterError> Errors) Parse(OrderChannel channel, ApiOrderFields fields, Shop shop, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(shop);
        var errors = new List<ParameterError>();

        var orderId = fields.OrderId;
        if (string.IsNullOrEmpty(orderId))
        {
            errors.Add(new("order.orderId", $"is required: your own unique id of the order, 1 to {MaxOrderIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'."));
        }
        else if (orderId.Length > MaxOrderIdLength || !orderId.All(IsIdCharacter))
        {
            errors.Add(new("order.orderId", $"must be 1 to {MaxOrderIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-', not '{StartOrderParser.Shorten(orderId)}'."));
        }

        decimal amount = 0;
        if (fields.Amount is not { } minor)
        {
            errors.Add(new("order.amount", "is required: the price in minor units (cents), e.g. 999 for 9.99."));
        }
        else if (minor <= 0)
        {
            errors.Add(new("order.amount", "must be greater than 0 (minor units, e.g. 999 for 9.99)."));
        }
        else if (minor > StartOrderParser.MaxAmount * 100)
        {
            errors.Add(new("order.amount", "must be at most 100000000 (1000000.00 in minor units)."));
        }
        else
        {
            amount = minor / 100m;
        }

        var currency = fields.Currency;
        if (string.IsNullOrEmpty(currency))
        {
            errors.Add(new("order.currency", $"is required: one of {string.Join(", ", shop.Currencies)}."));
        }
        else if (!shop.AcceptsCurrency(currency))
        {
            errors.Add(new("order.currency", $"must be one of this shop's currencies ({string.Join(", ", shop.Currencies)}), not '{StartOrderParser.Shorten(currency)}'. Codes are upper-case ISO 4217."));
        }

        var description = fields.Description;
        if (string.IsNullOrWhiteSpace(description))
        {
            errors.Add(new("order.description", "is required: 1 to 100 characters that tell the buyer what they pay for."));
        }
        else
        {
            StartOrderParser.CheckText(errors, "order.description", description, 100);
        }

        var customerId = fields.CustomerId;
        if (customerId is not null && !Customer.IsValidNumber(customerId))
        {
            errors.Add(new("order.customerId", "must be 1 to 32 characters of A-Z, a-z, 0-9, '.', '_' and '-'."));
        }

        var resultUrl = RequiredUrl(errors, "paymentSession.resultUrl", fields.ResultUrl, shop, "where the buyer goes after the payment");
        var cancelUrl = RequiredUrl(errors, "paymentSession.cancelUrl", fields.CancelUrl, shop, "where the buyer goes after cancelling or a decline");
        var notificationUrl = StartOrderParser.CheckUrl(errors, "paymentSession.notificationUrl", fields.NotificationUrl, shop, Protocol.MerchantUrl.ApiReservedNames);
        // The gateway itself calls this URL: never into its own machine or network (SSRF), unless the
        // operator already pointed the shop's postback URL at that very origin: its scheme, host and
        // port, not another port of the host. (Where it leads is judged again as the socket opens.)
        if (notificationUrl is not null && Protocol.MerchantUrl.PointsInside(notificationUrl)
            && !(shop.PostbackUrl is { } own && Uri.TryCreate(own, UriKind.Absolute, out var ownUrl) && Protocol.UrlOrigin.Of(ownUrl) == Protocol.UrlOrigin.Of(notificationUrl)))
        {
            errors.Add(new("paymentSession.notificationUrl", $"points to '{StartOrderParser.Shorten(notificationUrl.IdnHost)}', a loopback, private or link-local address the gateway does not call (only at the scheme, host and port of the shop's own postback URL). Use your server's public address."));
            notificationUrl = null;
        }

        var recurrence = ParseAction(errors, fields.RecurrenceAction);
        var contractId = fields.ContractId;
        if (recurrence is RecurrenceAction.ContractCreation or RecurrenceAction.SubsequentPayment)
        {
            if (string.IsNullOrEmpty(contractId))
            {
                errors.Add(new("paymentSession.recurrence.contractId", $"is required with {ActionName(recurrence.Value)}: your unique id of the contract, 1 to {MaxContractIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-'."));
            }
            else if (contractId.Length > MaxContractIdLength || !contractId.All(IsIdCharacter))
            {
                errors.Add(new("paymentSession.recurrence.contractId", $"must be 1 to {MaxContractIdLength} characters of A-Z, a-z, 0-9, '.', '_' and '-', not '{StartOrderParser.Shorten(contractId)}'."));
            }

            if (fields.ContractType is not (null or "CIT"))
            {
                errors.Add(new("paymentSession.recurrence.contractType", $"must be CIT (a payment the customer starts), not '{StartOrderParser.Shorten(fields.ContractType)}'."));
            }

            if (customerId is null)
            {
                errors.Add(new("order.customerId", $"is required with {ActionName(recurrence.Value)}: the contract belongs to one customer."));
            }
        }
        else if (contractId is not null && recurrence == RecurrenceAction.NoRecurring)
        {
            // With an unknown action the action's own error says what to send: the contractId may be meant.
            errors.Add(new("paymentSession.recurrence.contractId", "is only for CONTRACT_CREATION and SUBSEQUENT_PAYMENT: leave it out with NO_RECURRING."));
        }

        DateTime? expiresAt = null;
        if (channel == OrderChannel.PayByLink)
        {
            if (fields.ExpiresAt is not { } expiryText)
            {
                errors.Add(new("expiresAt", "is required: when the link stops working, an ISO 8601 time with its offset, e.g. 2026-12-01T18:00:00Z."));
            }
            else if (!OffsetPattern().IsMatch(expiryText)
                || !DateTimeOffset.TryParse(expiryText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var expiry))
            {
                errors.Add(new("expiresAt", $"must be an ISO 8601 time with its offset (Z or +01:00), e.g. 2026-12-01T18:00:00Z, not '{StartOrderParser.Shorten(expiryText)}'."));
            }
            else if (expiry.UtcDateTime < now + MinLinkLifetime)
            {
                errors.Add(new("expiresAt", $"must be at least {MinLinkLifetime.TotalMinutes:0} minutes in the future; it is {expiry.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)} and now is {now.ToString("u", CultureInfo.InvariantCulture)}."));
            }
            else if (expiry.UtcDateTime > now + MaxLinkLifetime)
            {
                errors.Add(new("expiresAt", $"must be at most {MaxLinkLifetime.TotalDays:0} days in the future."));
            }
            else
            {
                expiresAt = expiry.UtcDateTime;
            }
        }
        else if (fields.ExpiresAt is not null)
        {
            errors.Add(new("expiresAt", "is only for pay-by-link orders (POST /api/v1/orders/paybylink)."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ApiOrderRequest(channel, shop.Id, orderId!, new Money(amount, currency!), customerId, description!,
            resultUrl!, cancelUrl!, notificationUrl, recurrence ?? RecurrenceAction.NoRecurring,
            recurrence == RecurrenceAction.NoRecurring ? null : contractId, expiresAt, BuyerLanguage.Parse(fields.Language)), errors);
    }

    public static string ActionName(RecurrenceAction action) => action switch
    {
        RecurrenceAction.ContractCreation => "CONTRACT_CREATION",
        RecurrenceAction.SubsequentPayment => "SUBSEQUENT_PAYMENT",
        _ => "NO_RECURRING",
    };

    private static RecurrenceAction? ParseAction(List<ParameterError> errors, string? action)
    {
        switch (action)
        {
            case null or "NO_RECURRING":
                return RecurrenceAction.NoRecurring;
            case "CONTRACT_CREATION":
                return RecurrenceAction.ContractCreation;
            case "SUBSEQUENT_PAYMENT":
                return RecurrenceAction.SubsequentPayment;
            default:
                errors.Add(new("paymentSession.recurrence.action", $"must be NO_RECURRING, CONTRACT_CREATION or SUBSEQUENT_PAYMENT, not '{StartOrderParser.Shorten(action)}'."));
                return null;
        }
    }

    private static Uri? RequiredUrl(List<ParameterError> errors, string name, string? value, Shop shop, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new(name, $"is required: {what}, an absolute http(s) URL on one of this shop's allowed redirect hosts."));
            return null;
        }

        return StartOrderParser.CheckUrl(errors, name, value, shop, Protocol.MerchantUrl.ApiReservedNames);
    }

    /// <summary>A date and time that says its offset: a time without one would be read in the server's zone.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex OffsetPattern();

    private static bool IsIdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
