using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Security.Fuzzing;

/// <summary>
/// The order page's forms (<c>/order/{orderId}</c>: card entry, saved card and its CVC, delete card,
/// pay by contract, cancel; <c>/order/{orderId}/authenticate</c>: the 3-D Secure answer) against
/// generated malformed posts that carry a valid antiforgery token, so that they reach the handlers.
/// </summary>
/// <remarks>
/// The rule each answer is held to, besides never 5xx and nothing stored (no sale, no charge, no
/// changed order, card or contract):
/// <list type="bullet">
/// <item>A buyer's typo in a form the page shows (card number, expiry, CVC, name, the saved card and
/// its CVC): 200, the same form again with a message at each wrong field, and the card number never
/// echoed.</item>
/// <item>A post the page could never send (an unknown or missing <c>_handler</c>, an unknown or
/// malformed order id, a NUL in any field): 4xx with a message.</item>
/// <item>A form the order does not offer in its state, a one-button form (delete, pay by contract,
/// cancel, the 3-D Secure answer) without its button's value: the order page again, by a redirect to
/// it or re-rendered (200), with nothing changed.</item>
/// </list>
/// </remarks>
public sealed class OrderPageFuzzTests(OrderPageFuzzTests.Orders fuzz) : IClassFixture<OrderPageFuzzTests.Orders>
{
    private const int CasesPerSeed = 220;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public Task Order_page_malformed_posts_are_answered_with_the_form_or_4xx_and_charge_nothing(int seed)
    {
        var input = new MalformedInput(seed);
        return fuzz.RunAsync(input, Enumerable.Range(0, CasesPerSeed).Select(_ => NextCase(input)));
    }

    /// <summary>An order in every state a form is posted in, and the antiforgery token and cookie of one browser.</summary>
    public sealed class Orders : FuzzGateway, IAsyncLifetime
    {
        public const string Customer = "fuzz-customer";

        /// <summary>Open, with card entry (and "remember my card").</summary>
        public string CardEntry { get; private set; } = "";

        /// <summary>Open, for a customer with a saved card: the saved-card form and its delete buttons.</summary>
        public string SavedCard { get; private set; } = "";

        public string SavedCardId { get; private set; } = "";

        /// <summary>Waiting for the buyer's 3-D Secure answer.</summary>
        public string Challenge { get; private set; } = "";

        /// <summary>An API order (hosted page): card entry and "Cancel and return".</summary>
        public string ApiOrder { get; private set; } = "";

        /// <summary>A SUBSEQUENT_PAYMENT order on an active contract: "Pay" without card entry.</summary>
        public string ContractOrder { get; private set; } = "";

        public string Token { get; private set; } = "";

        public string Cookie { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var buyer = Buyer.Of(Gateway);
            CardEntry = (await buyer.StartAsync(Merchant.Purchase(description: "Card entry"))).OrderId;

            // The customer's first purchase saves the card; the next order offers it.
            await buyer.PayAsync(await buyer.StartAsync(Merchant.Purchase(customerNumber: Customer)));
            var saved = await Buyer.Of(Gateway).StartAsync(Merchant.Purchase(customerNumber: Customer));
            SavedCard = saved.OrderId;
            SavedCardId = saved.Document.QuerySelector("input[name='Saved.CardId']")!.GetAttribute("value")!;

            var stranger = Buyer.Of(Gateway);
            var challenged = await stranger.PayAsync(await stranger.StartAsync(Merchant.Purchase()), "4000 0027 6000 3184");
            challenged.Heading.ShouldBe("Authentication required");
            Challenge = challenged.OrderId;

            var api = new MerchantApi(Gateway.CreatePlainClient());
            await api.CreateContractAsync(Buyer.Of(Gateway), "fuzz-contract");
            ContractOrder = await ApiOrderAsync(api, MerchantApi.OrderBody("fuzz-subsequent", "SUBSEQUENT_PAYMENT", "fuzz-contract"));
            ApiOrder = await ApiOrderAsync(api, MerchantApi.OrderBody("fuzz-hpp"));

            var page = await SendAsync(RawRequest.Get("/order/" + CardEntry));
            Token = Regex.Match(page.Body, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
            Cookie = string.Join("; ", page.Headers.SetCookie.Select(c => c!.Split(';')[0]));
            Token.ShouldNotBeEmpty();
            Cookie.ShouldContain("Antiforgery");
        }

        private static async Task<string> ApiOrderAsync(MerchantApi api, System.Text.Json.Nodes.JsonObject body)
        {
            var created = await api.PostAsync("/api/v1/orders/hpp", body);
            created.Status.ShouldBe(System.Net.HttpStatusCode.OK, created.ToString());
            return new Uri(created.Json["hostedPage"]!.GetValue<string>()).AbsolutePath.Split('/')[^1];
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private FuzzCase NextCase(MalformedInput input) => input.Next(10) switch
    {
        0 or 1 or 2 => CardEntry(input),
        3 => SavedCard(input),
        4 => OneButton(input),
        5 => Authentication(input),
        6 => Handlers(input),
        7 => OrderIds(input),
        8 => Repeated(input),
        _ => RandomPost(input),
    };

    // ---- card entry: a typo is the buyer's, and the form says where ----

    private static readonly string[] CardFields = ["Number", "Expiry", "Cvc", "Holder"];

    private FuzzCase CardEntry(MalformedInput input)
    {
        var order = input.Pick(fuzz.CardEntry, fuzz.ApiOrder);
        var fields = new Dictionary<string, string>
        {
            ["Card.Number"] = input.Pick("4242 4242 4242 4242", "4242424242424242", "5555-5555-5555-4444"),
            ["Card.Expiry"] = input.Pick("12/30", "1/31", "12 / 2030"),
            ["Card.Cvc"] = "123",
            ["Card.Holder"] = input.Pick("Jane Buyer", "Zoë Ødegård", "李小龙"),
        };
        var broken = input.Shuffled(CardFields).Take(input.Between(1, 4)).ToList();
        foreach (var field in broken)
        {
            fields["Card." + field] = input.Pick(BadCardValues[field](input));
        }

        if (input.Chance(0.3))
        {
            fields["Card.Remember"] = input.Pick("banana", "True,False", "", "1", "yes", "\0");
        }

        var form = Form("pay", fields.Select(f => MalformedInput.Segment(f.Key, f.Value)));
        return Post("card entry: bad " + string.Join(", ", broken), order, form, response =>
            ShowsFormAgain(response, broken.Select(f => "card-" + f.ToLowerInvariant() + "-help")) ?? DoesNotEcho(response, fields["Card.Number"]));
    }

    private static readonly Dictionary<string, Func<MalformedInput, string[]>> BadCardValues = new(StringComparer.Ordinal)
    {
        ["Number"] = i =>
        [
            "", " ", "4242", "4242424242424241", "42424242424242424242", "4242-4242-4242-424x", "４２４２４２４２４２４２４２４２", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢",
            "4242\u200B4242 4242 4242", "\u202E4242424242424242", "4242424242424242\0", "+4242424242424242", "4.242424242424242e15", "<script>alert(1)</script>",
            "' OR 1=1 --", "0000000000000001", "4242 4242 4242 4242 4242", i.Huge(), new string('4', 100 * 1024), i.RandomText(30),
        ],
        ["Expiry"] = i => ["", "13/30", "00/30", "12/2", "12/20", "12/99", "1/1/30", "ab/cd", "12/３０", "12/30\0", "99/9999", "12//30", "-1/30", "12/2030/1", i.Huge(), i.RandomText(10) + "x"],
        ["Cvc"] = i => ["", "12", "12345", "abc", "１２３", "1\u200B23", "1 2 3", "-12", "12\0", i.Huge(), i.RandomWord(5, 9) + "x"],
        ["Holder"] = i => ["", "   ", "a\0b", "4242424242424242", "Jane\nBuyer", "Jane 12345", new string('n', 101), i.Huge(), "\u0085"],
    };

    // ---- the saved card and its CVC ----

    private FuzzCase SavedCard(MalformedInput input)
    {
        var badCard = input.Chance(0.5);
        var cardId = badCard
            ? input.Pick("", "abc", "-1", "0", "99999999999999999999", "1.5", "１", (long.Parse(fuzz.SavedCardId, System.Globalization.CultureInfo.InvariantCulture) + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), fuzz.SavedCardId + "\0", input.Huge())
            : fuzz.SavedCardId;
        var cvc = badCard && input.Chance(0.5) ? "123" : input.Pick(BadCardValues["Cvc"](input));
        var form = Form("saved", [MalformedInput.Segment("Saved.CardId", cardId), MalformedInput.Segment("Saved.Cvc", cvc)]);
        // A wrong card is named above the cards; a wrong CVC at its field.
        return Post(badCard ? "saved card: bad card id" : "saved card: bad CVC", fuzz.SavedCard, form,
            response => ShowsFormAgain(response, badCard ? [] : ["saved-cvc-help"], badCard ? "Choose one of your saved cards" : null));
    }

    // ---- one-button forms without their button's value, and the 3-D Secure answer ----

    private FuzzCase OneButton(MalformedInput input)
    {
        var garbage = input.Pick("", "false", "banana", "True,False", "\0", "1", input.Huge(1024));
        return input.Next(3) switch
        {
            0 => Post("delete card without confirming it", fuzz.SavedCard,
                Form("delete", [MalformedInput.Segment("Delete.CardId", input.Chance(0.5) ? fuzz.SavedCardId : input.Pick("abc", "-1", "", input.Huge(1024))), MalformedInput.Segment("Delete.Confirmed", garbage)]),
                ShowsOrder(fuzz.SavedCard)),
            1 => Post("pay by contract without confirming", fuzz.ContractOrder, Form("contract", [MalformedInput.Segment("ContractPay.Confirmed", garbage)]), ShowsOrder(fuzz.ContractOrder)),
            _ => Post("cancel without confirming", fuzz.ApiOrder, Form("cancel", [MalformedInput.Segment("CancelChoice.Confirmed", garbage)]), ShowsOrder(fuzz.ApiOrder)),
        };
    }

    private FuzzCase Authentication(MalformedInput input)
    {
        var outcomes = input.Next(3) switch
        {
            0 => [input.Pick("", "COMPLETE", "complete ", " fail", "fail\0", "completed", "c\u200Bomplete", "ｃｏｍｐｌｅｔｅ", input.Huge())],
            1 => input.Shuffled(["complete", "fail"]).ToArray(),
            _ => [],
        };
        var form = Form("authenticate", outcomes.Select(o => MalformedInput.Segment("Outcome", o)));
        return Post("3-D Secure answer that is neither", fuzz.Challenge, form, ShowsOrder(fuzz.Challenge), "/authenticate");
    }

    // ---- posts no page of ours sends ----

    private FuzzCase Handlers(MalformedInput input)
    {
        var handler = input.Pick(
            () => input.Pick("payx", "PAY", "Pay", "pay ", "saved\0", "admin", "delete-all", "authenticate", "../pay", "pay\u200B"),
            () => input.Huge(10 * 1024),
            () => input.RandomText(20),
            () => "")();
        var fields = new List<string> { MalformedInput.Segment("__RequestVerificationToken", fuzz.Token), MalformedInput.Segment("Card.Number", "4242 4242 4242 4242"), "Card.Cvc=12" };
        if (input.Chance(0.8))
        {
            fields.Insert(input.Next(fields.Count + 1), "_handler=" + (input.Chance(0.2) ? input.BadEncoding() : MalformedInput.Encode(handler)));
        }

        return Post("unknown or missing _handler", input.Pick(fuzz.CardEntry, fuzz.SavedCard, fuzz.ApiOrder), string.Join('&', fields), IsRefusal);
    }

    private FuzzCase OrderIds(MalformedInput input)
    {
        var id = input.Pick(
            () => input.RandomWord(22, 22),
            () => fuzz.CardEntry + input.Pick("x", "%00", "%2F..", "%20", "%E2%80%8B"),
            () => input.Pick("%2e%2e", "..%2F..%2Fapi", "%00", "%ED%A0%80", "%C0%AF", "%FF", "%", "%zz"),
            () => MalformedInput.Encode(input.Huge(10 * 1024)),
            () => MalformedInput.Encode(input.RandomText(30)),
            () => MalformedInput.Encode(input.Pick(MalformedInput.UnicodeTricks) + fuzz.CardEntry))();
        var form = Form(input.Pick("pay", "saved", "cancel", "authenticate"), [MalformedInput.Segment("Card.Number", "4242424242424242"), "Card.Expiry=12%2F30", "Card.Cvc=12", "Card.Holder=Jane"]);
        // Kestrel itself refuses a NUL in the path (400, before any middleware): not sent here.
        return Post("unknown or malformed order id", id.Replace("%00", "", StringComparison.Ordinal), form, IsRefusal, input.Chance(0.2) ? "/authenticate" : "");
    }

    private FuzzCase Repeated(MalformedInput input)
    {
        // Each card field twice, one of the values broken: whichever the form reads, the form answers.
        var field = input.Pick(CardFields);
        var good = field switch { "Number" => "4242424242424242", "Expiry" => "12/30", "Cvc" => "123", _ => "Jane Buyer" };
        var bad = input.Pick(BadCardValues[field](input));
        var values = input.Shuffled([good, bad]);
        var fields = new List<string>
        {
            MalformedInput.Segment("Card.Number", "4242424242424242"), "Card.Expiry=12%2F30", "Card.Cvc=123", "Card.Holder=Jane%20Buyer",
        };
        fields.RemoveAll(f => f.StartsWith("Card." + field + "=", StringComparison.Ordinal));
        fields.AddRange(values.Select(v => MalformedInput.Segment("Card." + field, v)));
        return Post("repeated Card." + field, fuzz.CardEntry, Form("pay", fields), response =>
            response.Status == 200 ? ShowsFormAgain(response, []) : IsRefusal(response));
    }

    private FuzzCase RandomPost(MalformedInput input)
    {
        var fields = Enumerable.Range(0, input.Between(0, 20)).Select(_ => input.Next(3) switch
        {
            0 => MalformedInput.Encode(input.Pick("Card.Number", "Card.Cvc", "Saved.CardId", "Outcome", "_handler", "Delete.CardId", "Card.Remember")) + "=" + MalformedInput.Encode(input.RandomText(30)),
            1 => MalformedInput.Encode(input.RandomText(12)) + "=" + input.BadEncoding(),
            _ => input.RandomText(20),
        });
        var body = MalformedInput.Segment("__RequestVerificationToken", fuzz.Token) + "&" + string.Join('&', fields);
        // A random post may happen to name a form the order offers: then that form answers, as the rules above say.
        return Post("random form fields", input.Pick(fuzz.CardEntry, fuzz.SavedCard, fuzz.Challenge, fuzz.ApiOrder), body, _ => null);
    }

    // ---- building and judging ----

    private string Form(string handler, IEnumerable<string> fields) =>
        string.Join('&', [MalformedInput.Segment("__RequestVerificationToken", fuzz.Token), "_handler=" + handler, .. fields]);

    private FuzzCase Post(string family, string orderId, string form, Func<RawResponse, string?> check, string suffix = "")
    {
        var request = RawRequest.Post("/order/" + orderId + suffix, form, "application/x-www-form-urlencoded").WithHeader("Cookie", fuzz.Cookie);
        // No browser sends a NUL: a form with one cannot be read at all, and is refused as a whole.
        return new FuzzCase(family, request, form.Contains("%00", StringComparison.Ordinal) ? IsRefusal : check)
        {
            // The re-shown form and the order page are 200 (or a redirect to it); everything else is 4xx.
            AllowedStatus = status => status is (>= 400 and < 500) or 200 or 302 or 303,
        };
    }

    /// <summary>200 with the same form again: an error at each given field (or this text), and no success.</summary>
    private static string? ShowsFormAgain(RawResponse response, IEnumerable<string> helpIds, string? text = null)
    {
        if (response.Status != 200)
        {
            return $"a 200 with the form and its errors was due, not {response.Status}";
        }

        var page = new HtmlParser().ParseDocument(response.Body);
        var ids = helpIds.ToList();
        if (ids.FirstOrDefault(id => page.GetElementById(id)?.ClassList.Contains("invalid-feedback") != true) is { } missing)
        {
            return $"the form came back without an error at #{missing}";
        }

        if (text is not null && !response.Body.Contains(text, StringComparison.Ordinal))
        {
            return $"the form came back without '{text}'";
        }

        if (ids.Count == 0 && text is null && page.QuerySelector(".invalid-feedback, .alert") is null)
        {
            return "the form came back without any message";
        }

        return page.QuerySelector("h1")?.TextContent.Contains("approved", StringComparison.OrdinalIgnoreCase) == true ? "the page says approved" : null;
    }

    /// <summary>The card number typed is never sent back to the browser.</summary>
    private static string? DoesNotEcho(RawResponse response, string number)
    {
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 12 && response.Body.Contains(digits[..Math.Min(digits.Length, 16)], StringComparison.Ordinal) ? "the page echoes the card number" : null;
    }

    /// <summary>The order page again, by a redirect to it or re-rendered, without a success.</summary>
    private static Func<RawResponse, string?> ShowsOrder(string orderId) => response => response.Status switch
    {
        302 or 303 when response.Location?.Replace("http://localhost", "", StringComparison.Ordinal) is { } to && (to == "/order/" + orderId || to == "/order/" + orderId + "/authenticate") => null,
        302 or 303 => $"a redirect to {response.Location}, not to the order page",
        200 => new HtmlParser().ParseDocument(response.Body).QuerySelector("h1") is null ? "a 200 without the order page" : null,
        _ => $"the order page was due, not {response.Status}",
    };

    private static string? IsRefusal(RawResponse response) =>
        response.Status is >= 400 and < 500 ? null : $"a 4xx was due, not {response.Status}{(response.Location is { } l ? " to " + l : "")}";
}
