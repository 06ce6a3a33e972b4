using OneClick.Core.Contracts;
using OneClick.Core.Orders;
using OneClick.Core.Sales;

namespace OneClick.Web.Features.Api;

// The API's answers (docs/protocol.md section 7), as its commands and queries return them and the
// OpenAPI document describes them.

public sealed record OrderDetails(
    string OrderId,
    string Status,
    string Channel,
    long Amount,
    string Currency,
    string? CustomerId,
    string Description,
    RecurrenceDetails? Recurrence,
    DateTime? ExpiresAt,
    DateTime CreatedAt,
    IReadOnlyList<OperationDetails> Operations);

public sealed record RecurrenceDetails(string Action, string? ContractId, string? ContractType);

/// <param name="OperationId">The gateway's saleID.</param>
/// <param name="OperationResult">PENDING, APPROVED, DECLINED, ERROR or REFUNDED.</param>
public sealed record OperationDetails(
    string OperationId,
    string OperationType,
    string OperationResult,
    long Amount,
    string Currency,
    string PaymentCircuit,
    string PaymentInstrumentInfo,
    bool ThreeDSecureChallenged,
    string? DeclineReason,
    DateTime CreatedAt,
    DateTime? CompletedAt);

/// <summary>The API's upper-case names of the gateway's states.</summary>
public static class ApiNames
{
    public static string Of(OrderState state) => state switch
    {
        OrderState.Open => "OPEN",
        OrderState.Processing => "PROCESSING",
        OrderState.AwaitingAuthentication => "AWAITING_AUTHENTICATION",
        OrderState.Approved => "APPROVED",
        OrderState.Declined => "DECLINED",
        OrderState.Expired => "EXPIRED",
        OrderState.Cancelled => "CANCELLED",
        _ => state.ToString().ToUpperInvariant(),
    };

    public static string Of(OrderChannel channel) => channel switch
    {
        OrderChannel.HostedPage => "HOSTED_PAGE",
        OrderChannel.PayByLink => "PAY_BY_LINK",
        _ => "STARTORDER",
    };

    public static string Of(SaleResult result) => result.ToString().ToUpperInvariant();

    public static string Of(ContractState state) => state.ToString().ToUpperInvariant();

    /// <summary>The card scheme, as XPay names a payment circuit.</summary>
    public static string Circuit(OneClick.Core.Cards.CardBrand brand) => brand switch
    {
        OneClick.Core.Cards.CardBrand.Visa => "VISA",
        OneClick.Core.Cards.CardBrand.Mastercard => "MC",
        OneClick.Core.Cards.CardBrand.Amex => "AMEX",
        _ => brand.ToString().ToUpperInvariant(),
    };
}

public sealed record CustomerContracts(string CustomerId, IReadOnlyList<ContractDetails> Contracts);

/// <param name="PaymentInstrumentInfo">The card, masked: <c>***4242</c>.</param>
/// <param name="Status">ACTIVE or DEACTIVATED.</param>
public sealed record ContractDetails(
    string ContractId,
    string ContractType,
    string Status,
    string PaymentCircuit,
    string PaymentInstrumentInfo,
    string Expiry,
    DateTime CreatedAt,
    DateTime? DeactivatedAt)
{
    public static ContractDetails Of(Contract c) => new(
        c.ContractId, "CIT", ApiNames.Of(c.State), ApiNames.Circuit(c.Brand), c.Masked, c.Expiry.ToString(), c.CreatedAt, c.DeactivatedAt);
}
