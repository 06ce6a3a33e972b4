using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// A buyer's browser without JavaScript, driving the checkout by plain HTTP: it follows redirects
/// by hand, keeps cookies, and posts forms with what the page put in them (antiforgery included).
/// </summary>
public sealed class Buyer(HttpClient client)
{
    public const string Visa = "4242 4242 4242 4242";

    public HttpClient Client { get; } = client;

    /// <summary>A field value meaning "leave it as the page has it".</summary>
    private const string Unchanged = "\u0000unchanged";

    public static Buyer Of(GatewayFactory gateway) => new(gateway.CreatePlainClient());

    /// <summary>A buyer whose cookies live on, e.g. in the same browser across a gateway restart.</summary>
    public static Buyer Of(GatewayFactory gateway, CookieContainer cookies) =>
        new(gateway.CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies)));

    /// <summary>Every HTML body this buyer received, to search for card data.</summary>
    public List<string> Received { get; } = [];

    public async Task<Page> GetAsync(string url)
    {
        var response = await Client.GetAsync(url);
        return await ReadAsync(url, response);
    }

    /// <summary>Starts an order and follows the 303 to the order page.</summary>
    public async Task<Page> StartAsync(IDictionary<string, string> parameters, string key = GatewayFactory.SignatureKey)
    {
        var start = await Client.GetAsync(Merchant.StartOrderUrl(parameters, key));
        start.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await start.Content.ReadAsStringAsync());
        return await GetAsync(start.Headers.Location!.ToString());
    }

    public Task<Page> PayAsync(Page orderPage, string number = Visa, string expiry = "12/30", string cvc = "123", string holder = "Jane Buyer", bool? remember = null) =>
        SubmitAsync(orderPage, "Pay ", new()
        {
            ["Card.Remember"] = remember switch { null => Unchanged, true => "True", false => null },
            ["Card.Number"] = number,
            ["Card.Expiry"] = expiry,
            ["Card.Cvc"] = cvc,
            ["Card.Holder"] = holder,
        });

    /// <summary>Full card entry even where saved cards are offered ("Use a new card").</summary>
    public async Task<Page> UseNewCardAsync(Page orderPage) =>
        orderPage.LinkHref("Use a new card") is { } href ? await GetAsync(href) : orderPage;

    /// <summary>Pays with the first saved card (or the one whose display is given) and its CVC.</summary>
    public Task<Page> PaySavedAsync(Page orderPage, string cvc = "123", string? card = null, Dictionary<string, string?>? address = null)
    {
        var fields = new Dictionary<string, string?>(address ?? []) { ["Saved.Cvc"] = cvc };
        if (card is not null)
        {
            var label = orderPage.Document.QuerySelectorAll("label").First(l => l.TextContent.Trim() == card);
            fields["Saved.CardId"] = orderPage.Document.GetElementById(label.GetAttribute("for")!)!.GetAttribute("value");
        }

        return SubmitAsync(orderPage, "Pay with saved card", fields);
    }

    /// <summary>Presses the button with this accessible name (prefix match, e.g. "Pay") and follows redirects.</summary>
    public async Task<Page> SubmitAsync(Page page, string buttonName, Dictionary<string, string?>? fields = null)
    {
        var (action, values) = FormOf(page, buttonName, fields);
        var response = await Client.PostAsync(action, new FormUrlEncodedContent(values));
        return await ReadAsync(action, response);
    }

    /// <summary>
    /// A forged post: what pressing the button sends (with <paramref name="fields"/> as in
    /// <see cref="SubmitAsync"/>), and <paramref name="added"/> after it even where a name is already
    /// there (a field given twice). Follows redirects.
    /// </summary>
    public async Task<Page> SubmitWithAsync(Page page, string buttonName, Dictionary<string, string?>? fields, params KeyValuePair<string, string>[] added)
    {
        var (action, values) = FormOf(page, buttonName, fields);
        var response = await Client.PostAsync(action, new FormUrlEncodedContent([.. values, .. added]));
        return await ReadAsync(action, response);
    }

    private static (string Action, Dictionary<string, string> Values) FormOf(Page page, string buttonName, Dictionary<string, string?>? fields)
    {
        var buttons = page.Document.QuerySelectorAll("button[type=submit]").ToList();
        var button = buttons.FirstOrDefault(b => b.TextContent.Trim() == buttonName)
            ?? buttons.FirstOrDefault(b => b.TextContent.Trim().StartsWith(buttonName, StringComparison.Ordinal) && !b.TextContent.Trim().StartsWith("Pay with", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No button '{buttonName}' on {page.Url}:\n{page.Html}");
        var form = (IHtmlFormElement)(button.GetAttribute("form") is { } formId ? page.Document.GetElementById(formId)! : button.Closest("form")!);
        var values = form.Elements.OfType<IHtmlInputElement>()
            .Where(i => !string.IsNullOrEmpty(i.Name) && (i.Type is not ("checkbox" or "radio") || i.IsChecked))
            .Select(i => new KeyValuePair<string, string>(i.Name!, i.Value))
            .ToDictionary(p => p.Key, p => p.Value);
        if (button.GetAttribute("name") is { } buttonField)
        {
            values[buttonField] = button.GetAttribute("value") ?? "";
        }

        // What the test says last wins, even over the pressed button's own value (a forged post).
        foreach (var (name, value) in fields ?? [])
        {
            if (value == Unchanged)
            {
                continue;
            }

            if (value is null)
            {
                values.Remove(name); // e.g. an unticked checkbox
            }
            else
            {
                values[name] = value;
            }
        }

        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? page.Url : form.GetAttribute("action")!;
        return (action, values);
    }

    private async Task<Page> ReadAsync(string url, HttpResponseMessage response)
    {
        for (var hops = 0; IsRedirect(response.StatusCode) && hops < 10; hops++)
        {
            var location = response.Headers.Location!;
            if (location.IsAbsoluteUri && location.Authority != (Client.BaseAddress?.Authority ?? "localhost"))
            {
                // Left the gateway: the merchant's site is not here.
                return new Page(location.ToString(), response.StatusCode, "", new HtmlParser().ParseDocument(""));
            }

            url = location.ToString();
            response = await Client.GetAsync(url);
        }

        var html = await response.Content.ReadAsStringAsync();
        Received.Add(html);
        return new Page(url, response.StatusCode, html, new HtmlParser().ParseDocument(html));
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}

public sealed record Page(string Url, HttpStatusCode Status, string Html, IDocument Document)
{
    public string Heading => Document.QuerySelector("h1")?.TextContent.Trim() ?? "";

    public string Text => Document.Body?.TextContent ?? "";

    /// <summary>The URL the page sends the buyer on to by itself (meta refresh).</summary>
    public string? RefreshTarget
    {
        get
        {
            var content = Document.QuerySelector("meta[http-equiv=refresh]")?.GetAttribute("content");
            var at = content?.IndexOf("url=", StringComparison.OrdinalIgnoreCase) ?? -1;
            return at < 0 ? null : content![(at + 4)..];
        }
    }

    public string? LinkHref(string name) => Document.QuerySelectorAll("a")
        .FirstOrDefault(a => a.TextContent.Trim() == name)?.GetAttribute("href");

    /// <summary>The message shown next to a field, found through the field's label.</summary>
    public string FieldMessage(string label)
    {
        var id = Document.QuerySelectorAll("label").First(l => l.TextContent.Trim() == label).GetAttribute("for");
        var input = Document.GetElementById(id!)!;
        var described = input.GetAttribute("aria-describedby")!;
        return Document.GetElementById(described)!.TextContent.Trim();
    }

    public string OrderId
    {
        get
        {
            var segments = new Uri(new Uri("http://localhost"), Url).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments[Array.IndexOf(segments, "order") + 1];
        }
    }
}
