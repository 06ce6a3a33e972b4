using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security;

/// <summary>One route of the running gateway: its pattern, the methods it takes, and what guards it.</summary>
internal sealed record GatewayEndpoint(string Route, IReadOnlyList<string>? Methods, bool RequiresAntiforgery, IReadOnlyList<string> Policies, bool IsPage)
{
    private static readonly string[] Unsafe = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>Whether the route takes a method that may change state (no method metadata: it takes any).</summary>
    public bool TakesUnsafeMethods => Methods is null || Methods.Any(m => Unsafe.Contains(m, StringComparer.OrdinalIgnoreCase));

    /// <summary>Every route the gateway answers, read from its endpoint data source (as routing sees them).</summary>
    public static IReadOnlyList<GatewayEndpoint> All(GatewayFactory gateway) => gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Select(e => new GatewayEndpoint(
            "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
            e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList(),
            e.Metadata.GetMetadata<IAntiforgeryMetadata>()?.RequiresValidation == true,
            e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? a.Roles ?? "(signed in)").ToList(),
            e.Metadata.Any(m => m.GetType().FullName == "Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata")))
        .ToList();
}
