using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;

namespace OneClick.Web.Hosting;

/// <summary>
/// Which requests render an interactive page (decision 028): the one rule by which the document
/// brings the framework's script and MudBlazor, and by which the response gets the Personal
/// Account's policy. A page is interactive when it declares a render mode itself
/// (<c>@rendermode InteractiveServer</c>); every other page stays static and scriptless.
/// </summary>
public static class InteractivePages
{
    public static bool Renders(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type is { } page
        && page.IsDefined(typeof(RenderModeAttribute), inherit: true);
}
