namespace OneClick.Core.Orders;

public enum PaymentMethod
{
    CC,
    DDEU,
    BTC,
}

/// <summary>A startorder request whose structure, signature and values have all been checked.</summary>
public sealed record StartOrderRequest(
    string Version,
    int ShopId,
    Money Price,
    string Description,
    PaymentMethod? PaymentMethod,
    string? ReferenceId,
    string? Custom1,
    string? Custom2,
    string? Custom3,
    Uri? BackUrl,
    Uri? DeclineUrl,
    string? Email,
    string? CustomerNumber,
    string? OneClickToken,
    string? Language = null);

/// <summary>One broken rule, named by its parameter, in words a merchant's developer can act on.</summary>
public sealed record ParameterError(string Parameter, string Message);
