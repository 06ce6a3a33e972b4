using System.Net;
using AngleSharp.Html.Parser;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>
/// Form posts for the authorization matrix: a post made by hand, with the person's own valid
/// antiforgery token (from their dashboard's sign-out form), to any page and form name, as an
/// attacker who knows a form's fields would send it.
/// </summary>
internal static class BackOfficeForms
{
    public static async Task<HttpResponseMessage> PostAsync(Buyer person, string url, string formName, Dictionary<string, string>? fields = null)
    {
        var values = new Dictionary<string, string>(fields ?? []) { ["_handler"] = formName };
        var home = await person.Client.GetAsync("/account");
        if (home.StatusCode == HttpStatusCode.OK)
        {
            var document = new HtmlParser().ParseDocument(await home.Content.ReadAsStringAsync());
            values["__RequestVerificationToken"] = document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        }

        return await person.Client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    /// <summary>Presses a button like <see cref="Buyer.SubmitAsync"/>, also sending the page's text areas and selects, which that leaves out.</summary>
    public static Task<Page> SubmitAsync(Buyer person, Page page, string buttonName, Dictionary<string, string?>? fields = null)
    {
        var all = new Dictionary<string, string?>();
        foreach (var area in page.Document.QuerySelectorAll("textarea"))
        {
            all[area.GetAttribute("name")!] = area.TextContent.TrimStart('\n');
        }

        foreach (var (name, value) in fields ?? [])
        {
            all[name] = value;
        }

        return person.SubmitAsync(page, buttonName, all);
    }

    /// <summary>The message next to a field, found through its label, where the field is also described by a hint.</summary>
    public static string FieldMessage(Page page, string label)
    {
        var id = page.Document.QuerySelectorAll("label").First(l => l.TextContent.Trim() == label).GetAttribute("for");
        var described = page.Document.GetElementById(id!)!.GetAttribute("aria-describedby")!.Split(' ');
        return page.Document.GetElementById(described.Single(d => d.EndsWith("-message", StringComparison.Ordinal)))!.TextContent.Trim();
    }

    public static string? Location(HttpResponseMessage response) => response.Headers.Location?.ToString();

    /// <summary>Where the sign-in redirects someone who is not signed in.</summary>
    public static void ShouldAskToSignIn(HttpResponseMessage response, string what)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, what);
        Location(response)!.ShouldContain("/account/login", Case.Sensitive, what);
    }

    /// <summary>Where the sign-in sends someone whose role does not allow the page.</summary>
    public static void ShouldBeDenied(HttpResponseMessage response, string what)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, what);
        Location(response)!.ShouldContain("/account/denied", Case.Sensitive, what);
    }
}
