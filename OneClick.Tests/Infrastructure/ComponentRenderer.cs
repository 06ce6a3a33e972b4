using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// Renders a component to HTML with the framework's HtmlRenderer (bUnit cannot be restored here),
/// next to a HeadOutlet so that what it puts in the page head is rendered too, and parses the result.
/// </summary>
public static class ComponentRenderer
{
    public static async Task<IDocument> RenderAsync<TComponent>(Dictionary<string, object?> parameters, Action<IServiceCollection>? services = null)
        where TComponent : IComponent
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        collection.AddSingleton<Microsoft.JSInterop.IJSRuntime, NoScript>();
        services?.Invoke(collection);
        await using var provider = collection.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<Host>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(Host.Component)] = typeof(TComponent),
                [nameof(Host.Parameters)] = parameters,
            }));
            return output.ToHtmlString();
        });
        return new HtmlParser().ParseDocument(html);
    }

    /// <summary>Pages render on the server with no script; HeadOutlet only asks for the service.</summary>
    private sealed class NoScript : Microsoft.JSInterop.IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            throw new NotSupportedException("Static rendering runs no script.");

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            throw new NotSupportedException("Static rendering runs no script.");
    }

    private sealed class Host : ComponentBase
    {
        [Parameter]
        public Type Component { get; set; } = default!;

        [Parameter]
        public Dictionary<string, object?> Parameters { get; set; } = [];

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "head");
            builder.OpenComponent<HeadOutlet>(1);
            builder.CloseComponent();
            builder.CloseElement();
            builder.OpenElement(2, "body");
            builder.OpenComponent<DynamicComponent>(3);
            builder.AddAttribute(4, nameof(DynamicComponent.Type), Component);
            builder.AddAttribute(5, nameof(DynamicComponent.Parameters), Parameters);
            builder.CloseComponent();
            builder.CloseElement();
        }
    }
}
