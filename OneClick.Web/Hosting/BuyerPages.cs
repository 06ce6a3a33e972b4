using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using OneClick.Web.Components.Layout;

namespace OneClick.Web.Hosting;

/// <summary>
/// Which requests render a page the buyer sees (decision 032): one laid out by
/// <see cref="CheckoutLayout"/>, the router's default. They load the buyer pages' own small stylesheet;
/// the Personal Account's sign-in pages and the welcome page keep Bootstrap.
/// </summary>
public static class BuyerPages
{
    /// <summary>The buyer pages' stylesheet, for pages written outside the router.</summary>
    public const string StylesheetPath = "/css/checkout.css";

    public static bool Renders(HttpContext context)
    {
        var page = context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type;
        var layout = page?.GetCustomAttribute<LayoutAttribute>(inherit: true)?.LayoutType;
        return layout is null || layout == typeof(CheckoutLayout);
    }
}
