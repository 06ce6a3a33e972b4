using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// A bUnit context for a test class whose components render alone (a context per test: xUnit makes
/// the class anew for each). Static pages run no script, so calls to it are answered empty.
/// </summary>
public abstract class ComponentTestContext : BunitContext
{
    protected ComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        // The buyer's views read their texts through IStringLocalizer (English unless a test sets a culture).
        Services.AddLocalization();
    }

    /// <summary>
    /// Renders <typeparamref name="TComponent"/> next to a <see cref="HeadOutlet"/>, so that what it
    /// puts in the page's head (a refresh, a title) is rendered and found too.
    /// </summary>
    protected IRenderedComponent<ContainerFragment> RenderWithHead<TComponent>(IReadOnlyDictionary<string, object?> parameters)
        where TComponent : IComponent =>
        Render(builder =>
        {
            builder.OpenComponent<HeadOutlet>(0);
            builder.CloseComponent();
            builder.OpenComponent<TComponent>(1);
            foreach (var (name, value) in parameters)
            {
                builder.AddComponentParameter(2, name, value);
            }

            builder.CloseComponent();
        });

    /// <summary>All the text a person would read in what was rendered.</summary>
    protected static string TextOf(IRenderedComponent<ContainerFragment> rendered) => string.Concat(rendered.Nodes.Select(n => n.TextContent));

    /// <summary>The links whose text is exactly <paramref name="text"/>.</summary>
    protected static IEnumerable<IElement> LinksNamed(IRenderedComponent<ContainerFragment> rendered, string text) =>
        rendered.FindAll("a").Where(a => a.TextContent.Trim() == text);
}
