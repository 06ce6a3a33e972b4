using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace OneClick.Tests.Infrastructure;

/// <summary>What a person does on an interactive Personal Account page rendered by bUnit, found as they would: by labels and button names.</summary>
public static class AccountPageSteps
{
    /// <summary>The input a label names.</summary>
    public static IElement Field<T>(this IRenderedComponent<T> page, string label)
        where T : IComponent =>
        page.Find("#" + page.FindAll("label").Single(l => l.TextContent.Trim() == label).GetAttribute("for"));

    /// <summary>The message under the field a label names (its help, or what is wrong with it).</summary>
    public static string FieldMessage<T>(this IRenderedComponent<T> page, string label)
        where T : IComponent =>
        page.FindAll("label").Single(l => l.TextContent.Trim() == label).Closest(".mud-input-control")!
            .QuerySelector(".mud-input-helper-text")?.TextContent.Trim() ?? "";

    /// <summary>Types into the field a label names, as a person who then leaves the field.</summary>
    public static void Type<T>(this IRenderedComponent<T> page, string label, string value)
        where T : IComponent => Again(() => page.Field(label).Change(value));

    /// <summary>Ticks (or clears) the checkbox a label names.</summary>
    public static void Tick<T>(this IRenderedComponent<T> page, string label, bool ticked = true)
        where T : IComponent =>
        page.FindAll("label").Single(l => l.TextContent.Trim() == label && l.QuerySelector("input[type=checkbox]") is not null)
            .QuerySelector("input[type=checkbox]")!.Change(ticked);

    /// <summary>Opens the select a label names and picks the option with this text, as a person does with a mouse.</summary>
    public static void Choose<T>(this IRenderedComponent<T> page, string label, string option)
        where T : IComponent
    {
        Again(() => page.Find($"[role=combobox][aria-label='{label}']").Closest(".mud-input-control")!.MouseDown());
        page.WaitForAssertion(() => page.FindAll("[role=option]").Count(o => o.TextContent.Trim() == option).ShouldBe(1, $"one option '{option}'"));
        Again(() => page.FindAll("[role=option]").Single(o => o.TextContent.Trim() == option).Click());
        page.WaitForAssertion(() => page.Find($"[role=combobox][aria-label='{label}']").TextContent.Trim().ShouldBe(option));
    }

    /// <summary>The button whose text is <paramref name="name"/>, found again right before use (the page re-renders).</summary>
    public static IElement Button<T>(this IRenderedComponent<T> page, string name)
        where T : IComponent =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == name);

    /// <summary>
    /// Presses a button once it shows and acts (a dialog's, say, or one the page's last change holds
    /// disabled): it may appear only after the page's last operation.
    /// </summary>
    public static void Press<T>(this IRenderedComponent<T> page, string name)
        where T : IComponent
    {
        page.WaitForAssertion(() =>
        {
            page.FindAll("button").Count(b => b.TextContent.Trim() == name).ShouldBe(1, $"one button '{name}'");
            page.Button(name).HasAttribute("disabled").ShouldBeFalse($"button '{name}' acts");
        });
        Again(() =>
        {
            page.Button(name).Click();
            // The renderer reports an event that found no handler at the next look: looked at now.
            page.WaitForState(() => true);
        });
    }

    /// <summary>
    /// Fires an event at an element found just before. When the page rendered again in between (a query
    /// that answered meanwhile: on PostgreSQL queries answer on their own time), the event reached no
    /// handler and nothing happened: the element is found and the event fired again.
    /// </summary>
    private static void Again(Action fire)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                fire();
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>Submits the form that holds the button named <paramref name="name"/>.</summary>
    public static void Submit<T>(this IRenderedComponent<T> page, string name)
        where T : IComponent
    {
        page.WaitForAssertion(() => page.FindAll("button").Count(b => b.TextContent.Trim() == name).ShouldBe(1, $"one button '{name}'"));
        Again(() => page.Button(name).Closest("form")!.Submit());
    }

    /// <summary>What the snackbar says, once it says something.</summary>
    public static string Snackbar<T>(this IRenderedComponent<T> page)
        where T : IComponent
    {
        var text = "";
        page.WaitForAssertion(() => (text = page.Find("#mud-snackbar-container").TextContent.Trim()).ShouldNotBeEmpty());
        return text;
    }
}
