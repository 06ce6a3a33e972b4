namespace OneClick.Web.Features.Checkout.Localization;

/// <summary>
/// The texts a buyer reads, for <c>IStringLocalizer&lt;BuyerText&gt;</c>: each key is the English text
/// itself (BuyerText.resx), and BuyerText.&lt;language&gt;.resx holds every other language of
/// <see cref="OneClick.Core.Orders.BuyerLanguage"/>; a test keeps their keys the same.
/// </summary>
public sealed class BuyerText;
