using OneClick.Core;
using OneClick.Core.Orders;
using OneClick.Core.Shops;
using OneClick.Core.Signatures;

namespace OneClick.Tests.Core.Orders;

public class StartOrderParserTests
{
    private const string Signature = "6e4138edf142496ffeae0110e8f4b86667d6b8d5a7f016a9cfdb0accd2f033fb";

    private readonly Shop shop = new(64233, 1, "Test", new Uri("https://shop.example/"), DateTime.UtcNow);

    private static List<KeyValuePair<string, string>> ValidParameters() =>
    [
        new("version", "3.2"),
        new("shopID", "64233"),
        new("type", "purchase"),
        new("priceAmount", "9.99"),
        new("priceCurrency", "USD"),
        new("description", "Super video download"),
        new("signature", Signature),
    ];

    /// <summary>The valid request with <paramref name="name"/> set to <paramref name="value"/> (added or replaced).</summary>
    private static List<KeyValuePair<string, string>> With(string name, string value, List<KeyValuePair<string, string>>? parameters = null)
    {
        parameters ??= ValidParameters();
        var index = parameters.FindIndex(p => p.Key == name);
        if (index >= 0)
        {
            parameters[index] = new(name, value);
        }
        else
        {
            parameters.Add(new(name, value));
        }

        return parameters;
    }

    private static List<KeyValuePair<string, string>> Without(string name) =>
        ValidParameters().Where(p => p.Key != name).ToList();

    private (StartOrderRequest? Request, IReadOnlyList<ParameterError> Errors) Validate(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var envelope = StartOrderParser.ReadEnvelope(parameters);
        envelope.Errors.ShouldBeEmpty();
        return StartOrderParser.Validate(envelope, shop);
    }

    private StartOrderRequest ShouldAccept(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var (request, errors) = Validate(parameters);
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(e => $"{e.Parameter} {e.Message}")));
        request.ShouldNotBeNull();
        return request;
    }

    /// <summary>The request is refused, and every error names <paramref name="parameter"/> with a message.</summary>
    private IReadOnlyList<ParameterError> ShouldRefuse(IEnumerable<KeyValuePair<string, string>> parameters, string parameter)
    {
        var (request, errors) = Validate(parameters);
        request.ShouldBeNull();
        errors.ShouldNotBeEmpty();
        errors.ShouldAllBe(e => e.Parameter == parameter);
        errors.ShouldAllBe(e => !string.IsNullOrWhiteSpace(e.Message));
        return errors;
    }

    private static ParameterError EnvelopeError(IEnumerable<KeyValuePair<string, string>> parameters, string parameter)
    {
        var envelope = StartOrderParser.ReadEnvelope(parameters);
        var error = envelope.Errors.ShouldHaveSingleItem();
        error.Parameter.ShouldBe(parameter);
        error.Message.ShouldNotBeNullOrWhiteSpace();
        return error;
    }

    // ---- ReadEnvelope ----

    [Fact]
    public void ReadEnvelope_valid_request_has_no_errors()
    {
        var envelope = StartOrderParser.ReadEnvelope(ValidParameters());

        envelope.Errors.ShouldBeEmpty();
        envelope.ShopId.ShouldBe(64233);
        envelope.Signature.ShouldBe(Signature);
        envelope.Values["description"].ShouldBe("Super video download");
    }

    [Fact]
    public void ReadEnvelope_with_every_known_parameter_has_no_errors()
    {
        var parameters = ValidParameters();
        foreach (var name in new[] { "paymentMethod", "referenceID", "custom1", "custom2", "custom3", "backURL", "declineURL", "email", "customerNumber", "oneClickToken" })
        {
            parameters.Add(new(name, "x"));
        }

        StartOrderParser.ReadEnvelope(parameters).Errors.ShouldBeEmpty();
    }

    [Fact]
    public void ReadEnvelope_parameters_verify_with_the_merchants_signature()
    {
        List<KeyValuePair<string, string>> parameters =
        [
            new("custom1", "xxyyzz"),
            new("email", "buyer@example.com"),
            .. ValidParameters(),
        ];

        var envelope = StartOrderParser.ReadEnvelope(parameters);

        FlexPaySignature.VerifyRequest(envelope.Signature, [CoreTestData.VectorKey], envelope.Values, StartOrderParser.Names, allowSha1: false).ShouldBeTrue();
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("amount")]
    [InlineData("shop_id")]
    [InlineData("origin")]
    [InlineData("")]
    [InlineData("shop\u200BID")]
    [InlineData("\u202Eshop")]
    public void ReadEnvelope_unknown_name_is_ignored_and_kept_nowhere(string escaped)
    {
        var name = System.Text.RegularExpressions.Regex.Unescape(escaped);

        var envelope = StartOrderParser.ReadEnvelope(With(name, "plugin-value"));

        envelope.Errors.ShouldBeEmpty();
        envelope.Values.Keys.ShouldNotContain(name);
        envelope.Values.Values.ShouldNotContain("plugin-value");
    }

    [Fact]
    public void ReadEnvelope_unknown_name_of_256_characters_is_ignored()
    {
        StartOrderParser.ReadEnvelope(With(new string('z', 256), "1")).Errors.ShouldBeEmpty();
    }

    [Fact]
    public void ReadEnvelope_name_of_257_characters_refuses_the_request()
    {
        var error = StartOrderParser.ReadEnvelope(With(new string('z', 257), "1")).Errors.ShouldHaveSingleItem();

        error.Parameter.ShouldBe("(request)");
        error.Message.ShouldNotContain("zzz");
    }

    [Fact]
    public void ReadEnvelope_64_parameters_with_unknown_extras_pass_and_65_are_refused()
    {
        var parameters = ValidParameters();
        parameters.AddRange(Enumerable.Range(0, 64 - parameters.Count).Select(n => new KeyValuePair<string, string>($"extra{n}", "x")));

        StartOrderParser.ReadEnvelope(parameters).Errors.ShouldBeEmpty();
        parameters.Add(new("extra-last", "x"));
        StartOrderParser.ReadEnvelope(parameters).Errors.ShouldHaveSingleItem().Parameter.ShouldBe("(request)");
    }

    [Theory]
    [InlineData("mcc", "5967")]
    [InlineData("subscriptionType", "RECURRING")]
    [InlineData("saleID", "12")]
    [InlineData("language", "de")]
    public void ReadEnvelope_listed_name_the_order_does_not_use_is_read(string name, string value)
    {
        var envelope = StartOrderParser.ReadEnvelope(With(name, value));

        envelope.Errors.ShouldBeEmpty();
        envelope.Values[name].ShouldBe(value);
    }

    [Theory]
    [InlineData("mcc")]
    [InlineData("origin")]
    public void ReadEnvelope_repeated_listed_name_fails_and_repeated_unknown_name_is_ignored(string name)
    {
        var parameters = With(name, "first");
        parameters.Add(new(name, "again"));

        var errors = StartOrderParser.ReadEnvelope(parameters).Errors;

        if (name == "mcc")
        {
            errors.ShouldHaveSingleItem().Message.ShouldContain("more than once");
        }
        else
        {
            errors.ShouldBeEmpty();
        }
    }

    [Theory]
    [InlineData("ReferenceID", "referenceID")]
    [InlineData("backUrl", "backURL")]
    [InlineData("customernumber", "customerNumber")]
    [InlineData("EMAIL", "email")]
    public void ReadEnvelope_defined_name_in_other_letters_is_ignored_and_named_for_the_log(string sent, string meant)
    {
        // Section 2: any other parameter is ignored entirely; the known spelling may go to the operator's log.
        var envelope = StartOrderParser.ReadEnvelope(With(sent, "x"));

        envelope.Errors.ShouldBeEmpty();
        envelope.Values.Keys.ShouldNotContain(sent);
        envelope.Misspelt.ShouldBe([meant]);
    }

    [Theory]
    [InlineData("custom3", "x:customerId=victim")]
    [InlineData("custom1", "a:b.c=d")]
    [InlineData("description", "Credits:x[1]=2")]
    [InlineData("backURL", "http://merchant.test/ok?next=a:user_id=9")]
    public void ReadEnvelope_signed_value_hiding_any_pair_fails(string name, string value)
    {
        EnvelopeError(With(name, value), name).Message.ShouldContain("cannot tell from a separate");
    }

    [Theory]
    [InlineData("description", "Time: 10:30 sharp")]
    [InlineData("backURL", "http://merchant.test:8080/ok?a=1")]
    [InlineData("custom1", "ratio 2:1 = fine")]
    public void ReadEnvelope_signed_value_with_a_colon_but_no_pair_passes(string name, string value)
    {
        StartOrderParser.ReadEnvelope(With(name, value)).Errors.ShouldBeEmpty();
    }

    [Fact]
    public void ReadEnvelope_unknown_value_hiding_a_pair_is_ignored_with_its_parameter()
    {
        // Not signed, so no pair can hide in it: it is dropped, not refused.
        StartOrderParser.ReadEnvelope(With("origin", "x:priceAmount=1")).Errors.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("description")]
    [InlineData("priceAmount")]
    [InlineData("signature")]
    [InlineData("email")]
    [InlineData("custom1")]
    public void ReadEnvelope_repeated_name_fails(string name)
    {
        var parameters = With(name, "first");
        parameters.Add(new(name, "again"));

        var error = EnvelopeError(parameters, name);

        error.Message.ShouldContain("more than once");
    }

    [Fact]
    public void ReadEnvelope_repeated_name_with_same_value_fails()
    {
        var parameters = ValidParameters();
        parameters.Add(new("priceAmount", "9.99"));

        EnvelopeError(parameters, "priceAmount");
    }

    [Fact]
    public void ReadEnvelope_name_repeated_three_times_is_reported_once()
    {
        var parameters = ValidParameters();
        parameters.Add(new("custom1", "a"));
        parameters.Add(new("custom1", "b"));
        parameters.Add(new("custom1", "c"));

        EnvelopeError(parameters, "custom1");
    }

    [Fact]
    public void ReadEnvelope_repeated_shop_id_fails()
    {
        var parameters = ValidParameters();
        parameters.Add(new("shopID", "1"));

        StartOrderParser.ReadEnvelope(parameters).Errors.ShouldContain(e => e.Parameter == "shopID");
    }

    [Fact]
    public void ReadEnvelope_back_url_and_success_url_both_fails()
    {
        var parameters = With("backURL", "https://shop.example/a");
        parameters.Add(new("successURL", "https://shop.example/b"));

        var error = EnvelopeError(parameters, "successURL");

        error.Message.ShouldContain("backURL");
    }

    [Fact]
    public void ReadEnvelope_missing_shop_id_fails()
    {
        var envelope = StartOrderParser.ReadEnvelope(Without("shopID"));

        envelope.ShopId.ShouldBeNull();
        var error = envelope.Errors.ShouldHaveSingleItem();
        error.Parameter.ShouldBe("shopID");
        error.Message.ShouldContain("required");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("12a")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData(" 64233")]
    [InlineData("64233 ")]
    [InlineData("64233\n")]
    [InlineData("0")]
    [InlineData("00")]
    [InlineData("064233")]
    [InlineData("0x10")]
    [InlineData("64 233")]
    [InlineData("64,233")]
    [InlineData("２")]
    [InlineData("٦٤٢٣٣")]
    [InlineData("2147483648")]
    [InlineData("9999999999")]
    [InlineData("99999999999")]
    public void ReadEnvelope_invalid_shop_id_fails(string value)
    {
        var envelope = StartOrderParser.ReadEnvelope(With("shopID", value));

        envelope.ShopId.ShouldBeNull();
        var error = envelope.Errors.ShouldHaveSingleItem();
        error.Parameter.ShouldBe("shopID");
        error.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("64233", 64233)]
    [InlineData("2147483647", int.MaxValue)]
    public void ReadEnvelope_shop_id_is_read(string value, int shopId)
    {
        var envelope = StartOrderParser.ReadEnvelope(With("shopID", value));

        envelope.Errors.ShouldBeEmpty();
        envelope.ShopId.ShouldBe(shopId);
    }

    [Fact]
    public void ReadEnvelope_missing_signature_fails()
    {
        var envelope = StartOrderParser.ReadEnvelope(Without("signature"));

        envelope.Signature.ShouldBeNull();
        var error = envelope.Errors.ShouldHaveSingleItem();
        error.Parameter.ShouldBe("signature");
        error.Message.ShouldContain("required");
    }

    [Fact]
    public void ReadEnvelope_empty_signature_fails()
    {
        EnvelopeError(With("signature", ""), "signature");
    }

    [Fact]
    public void ReadEnvelope_reports_every_problem()
    {
        List<KeyValuePair<string, string>> parameters = [new("shopid", "1"), new("foo", "bar"), new("custom1", "a"), new("custom1", "b")];

        var names = StartOrderParser.ReadEnvelope(parameters).Errors.Select(e => e.Parameter).ToList();

        names.ShouldBe(["custom1", "shopID", "signature"], ignoreOrder: true);
    }

    // ---- Validate: the whole request ----

    [Fact]
    public void Validate_valid_request_yields_typed_request()
    {
        var request = ShouldAccept(ValidParameters());

        request.Version.ShouldBe("3.2");
        request.ShopId.ShouldBe(64233);
        request.Price.ShouldBe(new Money(9.99m, "USD"));
        request.Price.Amount.ShouldBe(9.99m);
        request.Description.ShouldBe("Super video download");
        request.PaymentMethod.ShouldBeNull();
        request.ReferenceId.ShouldBeNull();
        request.Custom1.ShouldBeNull();
        request.Custom2.ShouldBeNull();
        request.Custom3.ShouldBeNull();
        request.BackUrl.ShouldBeNull();
        request.DeclineUrl.ShouldBeNull();
        request.Email.ShouldBeNull();
        request.CustomerNumber.ShouldBeNull();
        request.OneClickToken.ShouldBeNull();
    }

    [Fact]
    public void Validate_request_with_every_optional_parameter_yields_typed_request()
    {
        List<KeyValuePair<string, string>> parameters =
        [
            .. ValidParameters(),
            new("paymentMethod", "CC"),
            new("referenceID", "order-17"),
            new("custom1", "one"),
            new("custom2", "two"),
            new("custom3", "three"),
            new("backURL", "https://shop.example/thanks?x=1"),
            new("declineURL", "https://shop.example/sorry"),
            new("email", "buyer@example.com"),
            new("customerNumber", "cust_42"),
            new("oneClickToken", "tok-ABC_123"),
        ];

        var request = ShouldAccept(parameters);

        request.PaymentMethod.ShouldBe(PaymentMethod.CC);
        request.ReferenceId.ShouldBe("order-17");
        request.Custom1.ShouldBe("one");
        request.Custom2.ShouldBe("two");
        request.Custom3.ShouldBe("three");
        request.BackUrl.ShouldBe(new Uri("https://shop.example/thanks?x=1"));
        request.DeclineUrl.ShouldBe(new Uri("https://shop.example/sorry"));
        request.Email.ShouldBe("buyer@example.com");
        request.CustomerNumber.ShouldBe("cust_42");
        request.OneClickToken.ShouldBe("tok-ABC_123");
    }

    [Theory]
    [InlineData("referenceID")]
    [InlineData("custom1")]
    [InlineData("backURL")]
    [InlineData("email")]
    [InlineData("customerNumber")]
    [InlineData("oneClickToken")]
    [InlineData("paymentMethod")]
    public void Validate_empty_optional_parameter_counts_as_absent(string name)
    {
        ShouldAccept(With(name, ""));
    }

    [Fact]
    public void Validate_reports_every_broken_rule()
    {
        var parameters = With("version", "9");
        With("priceAmount", "0", parameters);
        With("priceCurrency", "usd", parameters);

        var (request, errors) = Validate(parameters);

        request.ShouldBeNull();
        errors.Select(e => e.Parameter).ShouldBe(["version", "priceAmount", "priceCurrency"], ignoreOrder: true);
    }

    // ---- version ----

    [Theory]
    [InlineData("3.0")]
    [InlineData("3.1")]
    [InlineData("3.2")]
    [InlineData("3.3")]
    [InlineData("3.4")]
    [InlineData("3.5")]
    [InlineData("4")]
    public void Validate_allowed_version_succeeds(string version)
    {
        ShouldAccept(With("version", version)).Version.ShouldBe(version);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("3.6")]
    [InlineData("2.9")]
    [InlineData("4.0")]
    [InlineData("5")]
    [InlineData("3,2")]
    [InlineData("v3.2")]
    [InlineData(" 3.2")]
    [InlineData("3.2 ")]
    [InlineData("3.20")]
    public void Validate_other_version_fails(string version)
    {
        ShouldRefuse(With("version", version), "version");
    }

    [Fact]
    public void Validate_missing_version_fails()
    {
        ShouldRefuse(Without("version"), "version").ShouldHaveSingleItem().Message.ShouldContain("required");
    }

    // ---- type ----

    [Theory]
    [InlineData("Purchase")]
    [InlineData("PURCHASE")]
    [InlineData("subscription")]
    [InlineData("purchase ")]
    [InlineData("credit")]
    public void Validate_type_other_than_purchase_fails(string type)
    {
        ShouldRefuse(With("type", type), "type");
    }

    [Fact]
    public void Validate_missing_type_fails()
    {
        ShouldRefuse(Without("type"), "type");
    }

    // ---- priceAmount ----

    [Theory]
    [InlineData("9.99", "9.99")]
    [InlineData("0.01", "0.01")]
    [InlineData("1", "1")]
    [InlineData("9.9", "9.9")]
    [InlineData("0.10", "0.10")]
    [InlineData("10", "10")]
    [InlineData("999999.99", "999999.99")]
    [InlineData("1000000", "1000000")]
    [InlineData("1000000.00", "1000000")]
    public void Validate_valid_price_amount_succeeds(string text, string expected)
    {
        ShouldAccept(With("priceAmount", text)).Price.Amount.ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1000000.01")]
    [InlineData("1000001")]
    [InlineData("9999999.99")]
    [InlineData("10000000")]
    [InlineData("0")]
    [InlineData("0.00")]
    [InlineData("0.0")]
    [InlineData("9,99")]
    [InlineData("9.999")]
    [InlineData("0.001")]
    [InlineData("-1")]
    [InlineData("-0.01")]
    [InlineData("+1")]
    [InlineData("1e3")]
    [InlineData("1E3")]
    [InlineData(" 9.99")]
    [InlineData("9.99 ")]
    [InlineData("9.99\n")]
    [InlineData("09.99")]
    [InlineData("00.01")]
    [InlineData("9.")]
    [InlineData(".99")]
    [InlineData("1,000.00")]
    [InlineData("1 000")]
    [InlineData("$9.99")]
    [InlineData("9.99USD")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("0x10")]
    [InlineData("٩.٩٩")]
    [InlineData("abc")]
    public void Validate_invalid_price_amount_fails(string text)
    {
        ShouldRefuse(With("priceAmount", text), "priceAmount");
    }

    [Fact]
    public void Validate_missing_price_amount_fails()
    {
        ShouldRefuse(Without("priceAmount"), "priceAmount");
    }

    [Fact]
    public void Validate_price_amount_over_maximum_names_the_maximum()
    {
        ShouldRefuse(With("priceAmount", "1000000.01"), "priceAmount").ShouldHaveSingleItem().Message.ShouldContain("1000000");
    }

    // ---- priceCurrency ----

    [Theory]
    [InlineData("USD")]
    [InlineData("EUR")]
    [InlineData("GBP")]
    [InlineData("AUD")]
    [InlineData("CAD")]
    [InlineData("CHF")]
    [InlineData("DKK")]
    [InlineData("NOK")]
    [InlineData("SEK")]
    public void Validate_shop_currency_succeeds(string currency)
    {
        ShouldAccept(With("priceCurrency", currency)).Price.Currency.ShouldBe(currency);
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("Usd")]
    [InlineData("JPY")]
    [InlineData("XYZ")]
    [InlineData("US")]
    [InlineData("USDD")]
    [InlineData(" USD")]
    [InlineData("840")]
    [InlineData("$")]
    public void Validate_other_currency_fails(string currency)
    {
        ShouldRefuse(With("priceCurrency", currency), "priceCurrency");
    }

    [Fact]
    public void Validate_currency_removed_from_shop_fails()
    {
        shop.Currencies.Remove("SEK");

        ShouldRefuse(With("priceCurrency", "SEK"), "priceCurrency");
    }

    [Fact]
    public void Validate_currency_added_to_shop_succeeds()
    {
        shop.Currencies.Add("JPY");

        ShouldAccept(With("priceCurrency", "JPY")).Price.Currency.ShouldBe("JPY");
    }

    [Fact]
    public void Validate_missing_currency_fails()
    {
        ShouldRefuse(Without("priceCurrency"), "priceCurrency");
    }

    // ---- description ----

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(100)]
    public void Validate_description_up_to_100_characters_succeeds(int length)
    {
        var description = new string('a', length);

        ShouldAccept(With("description", description)).Description.ShouldBe(description);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(1000)]
    public void Validate_description_over_100_characters_fails(int length)
    {
        ShouldRefuse(With("description", new string('a', length)), "description");
    }

    [Fact]
    public void Validate_description_of_100_emoji_succeeds()
    {
        var description = string.Concat(Enumerable.Repeat("😀", 100));
        description.Length.ShouldBe(200);

        ShouldAccept(With("description", description)).Description.ShouldBe(description);
    }

    [Fact]
    public void Validate_description_of_101_emoji_fails()
    {
        ShouldRefuse(With("description", string.Concat(Enumerable.Repeat("😀", 101))), "description");
    }

    [Theory]
    [InlineData("Café crème – 日本語 ✓")]
    [InlineData("Ünïcödé")]
    [InlineData("a&b=c:d")]
    [InlineData("<b>bold</b>")]
    public void Validate_description_with_unicode_text_succeeds(string description)
    {
        ShouldAccept(With("description", description)).Description.ShouldBe(description);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("line\r\nbreak")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("bell\a")]
    [InlineData("esc\u001b[31m")]
    [InlineData("del\u007f")]
    [InlineData("c1\u0085")]
    [InlineData("c1\u009b")]
    public void Validate_description_with_control_character_fails(string description)
    {
        ShouldRefuse(With("description", description), "description");
    }

    [Theory]
    [InlineData("bad \uFFFD byte")]
    [InlineData("\uFFFD")]
    public void Validate_description_with_replacement_character_fails(string description)
    {
        ShouldRefuse(With("description", description), "description");
    }

    [Theory]
    [InlineData("lone \uD83D high")]
    [InlineData("lone high at end \uD83D")]
    [InlineData("lone \uDE00 low")]
    [InlineData("swapped \uDE00\uD83D")]
    public void Validate_description_with_lone_surrogate_fails(string description)
    {
        ShouldRefuse(With("description", description), "description");
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("     ")]
    [InlineData("\u00a0")]
    public void Validate_blank_description_fails(string description)
    {
        ShouldRefuse(With("description", description), "description");
    }

    [Fact]
    public void Validate_missing_description_fails()
    {
        ShouldRefuse(Without("description"), "description");
    }

    // ---- paymentMethod ----

    [Fact]
    public void Validate_payment_method_cc_succeeds()
    {
        ShouldAccept(With("paymentMethod", "CC")).PaymentMethod.ShouldBe(PaymentMethod.CC);
    }

    [Theory]
    [InlineData("DDEU")]
    [InlineData("BTC")]
    public void Validate_payment_method_not_offered_yet_fails(string method)
    {
        var message = ShouldRefuse(With("paymentMethod", method), "paymentMethod").ShouldHaveSingleItem().Message;

        message.ShouldContain("not offered");
        message.ShouldContain(method);
    }

    [Theory]
    [InlineData("cc")]
    [InlineData("Cc")]
    [InlineData("ddeu")]
    [InlineData("btc")]
    [InlineData("CARD")]
    [InlineData("VISA")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("3")]
    [InlineData("-1")]
    public void Validate_unknown_payment_method_fails(string method)
    {
        ShouldRefuse(With("paymentMethod", method), "paymentMethod");
    }

    [Theory]
    [InlineData(" CC")]
    [InlineData("CC ")]
    [InlineData("CC,CC")]
    [InlineData("CC, CC")]
    public void Validate_malformed_payment_method_fails(string method)
    {
        ShouldRefuse(With("paymentMethod", method), "paymentMethod");
    }

    [Theory]
    [InlineData("customerNumber", "cust-1")]
    [InlineData("oneClickToken", "tok123")]
    public void Validate_payment_method_cc_with_wallet_parameter_succeeds(string name, string value)
    {
        ShouldAccept(With(name, value, With("paymentMethod", "CC"))).PaymentMethod.ShouldBe(PaymentMethod.CC);
    }

    [Theory]
    [InlineData("customerNumber", "cust-1")]
    [InlineData("oneClickToken", "tok123")]
    public void Validate_no_payment_method_with_wallet_parameter_succeeds(string name, string value)
    {
        ShouldAccept(With(name, value)).PaymentMethod.ShouldBeNull();
    }

    [Theory]
    [InlineData("DDEU", "customerNumber", "cust-1")]
    [InlineData("BTC", "customerNumber", "cust-1")]
    [InlineData("DDEU", "oneClickToken", "tok123")]
    [InlineData("BTC", "oneClickToken", "tok123")]
    public void Validate_other_payment_method_with_wallet_parameter_fails_asking_for_cc(string method, string name, string value)
    {
        var errors = ShouldRefuse(With(name, value, With("paymentMethod", method)), "paymentMethod");

        errors.ShouldContain(e => e.Message.Contains("must be CC", StringComparison.Ordinal));
    }

    // ---- referenceID, custom1-3 ----

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public void Validate_reference_id_up_to_64_characters_succeeds(int length)
    {
        var referenceId = new string('r', length);

        ShouldAccept(With("referenceID", referenceId)).ReferenceId.ShouldBe(referenceId);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(1000)]
    public void Validate_reference_id_over_64_characters_fails(int length)
    {
        ShouldRefuse(With("referenceID", new string('r', length)), "referenceID");
    }

    [Theory]
    [InlineData("ref\n1")]
    [InlineData("ref\uFFFD")]
    [InlineData("ref\uD800")]
    public void Validate_reference_id_with_bad_character_fails(string referenceId)
    {
        ShouldRefuse(With("referenceID", referenceId), "referenceID");
    }

    [Theory]
    [InlineData("custom1")]
    [InlineData("custom2")]
    [InlineData("custom3")]
    public void Validate_custom_of_255_characters_succeeds(string name)
    {
        var value = new string('c', 255);

        var request = ShouldAccept(With(name, value));

        new[] { request.Custom1, request.Custom2, request.Custom3 }.ShouldContain(value);
    }

    [Theory]
    [InlineData("custom1")]
    [InlineData("custom2")]
    [InlineData("custom3")]
    public void Validate_custom_of_256_characters_fails(string name)
    {
        ShouldRefuse(With(name, new string('c', 256)), name);
    }

    [Theory]
    [InlineData("custom1")]
    [InlineData("custom2")]
    [InlineData("custom3")]
    public void Validate_custom_with_control_character_fails(string name)
    {
        ShouldRefuse(With(name, "a\tb"), name);
    }

    [Fact]
    public void Validate_customs_are_kept_apart()
    {
        var parameters = With("custom1", "one");
        With("custom2", "two", parameters);
        With("custom3", "three", parameters);

        var request = ShouldAccept(parameters);

        (request.Custom1, request.Custom2, request.Custom3).ShouldBe(("one", "two", "three"));
    }

    // ---- backURL, successURL, declineURL ----

    [Theory]
    [InlineData("backURL", "https://shop.example/thanks")]
    [InlineData("backURL", "http://shop.example/")]
    [InlineData("backURL", "https://SHOP.EXAMPLE/Thanks")]
    [InlineData("backURL", "https://shop.example:443/a/b?c=d&e=f#g")]
    [InlineData("successURL", "https://shop.example/thanks")]
    [InlineData("declineURL", "https://shop.example/sorry")]
    [InlineData("declineURL", "http://shop.example:80/sorry?x=1")]
    public void Validate_url_on_allowed_host_succeeds(string name, string url)
    {
        var request = ShouldAccept(With(name, url));

        (name == "declineURL" ? request.DeclineUrl : request.BackUrl).ShouldBe(new Uri(url));
    }

    [Theory]
    [InlineData("backURL", "javascript:alert(1)")]
    [InlineData("backURL", "JavaScript:alert(document.cookie)//https://shop.example/")]
    [InlineData("backURL", "data:text/html,<script>alert(1)</script>")]
    [InlineData("backURL", "ftp://shop.example/file")]
    [InlineData("backURL", "file:///etc/passwd")]
    [InlineData("backURL", "mailto:buyer@shop.example")]
    [InlineData("backURL", "/thanks")]
    [InlineData("backURL", "thanks")]
    [InlineData("backURL", "shop.example/thanks")]
    [InlineData("backURL", "//evil.com/x")]
    [InlineData("backURL", "https://evil.com/")]
    [InlineData("backURL", "https://shop.example.evil.com/")]
    [InlineData("backURL", "https://evilshop.example/")]
    [InlineData("backURL", "https://sub.shop.example/")]
    [InlineData("backURL", "https://shop.example@evil.com/")]
    [InlineData("backURL", "https://user:pw@shop.example/")]
    [InlineData("backURL", "https://user@shop.example/")]
    [InlineData("backURL", "https://127.0.0.1/")]
    [InlineData("successURL", "javascript:alert(1)")]
    [InlineData("successURL", "https://shop.example.evil.com/")]
    [InlineData("successURL", "https://shop.example@evil.com/")]
    [InlineData("declineURL", "javascript:alert(1)")]
    [InlineData("declineURL", "ftp://shop.example/")]
    [InlineData("declineURL", "/sorry")]
    [InlineData("declineURL", "https://evil.com/")]
    [InlineData("declineURL", "https://shop.example.evil.com/")]
    [InlineData("declineURL", "https://shop.example@evil.com/")]
    [InlineData("declineURL", "https://user:pw@shop.example/")]
    public void Validate_url_not_allowed_fails(string name, string url)
    {
        ShouldRefuse(With(name, url), name);
    }

    [Theory]
    [InlineData("backURL")]
    [InlineData("declineURL")]
    public void Validate_url_over_2048_characters_fails(string name)
    {
        ShouldRefuse(With(name, "https://shop.example/" + new string('a', 2048)), name);
    }

    [Theory]
    [InlineData("backURL")]
    [InlineData("declineURL")]
    public void Validate_url_whose_own_query_hides_an_encoded_pair_fails(string name)
    {
        var message = ShouldRefuse(With(name, "https://shop.example/ok?next=a%3Ab%3Dc"), name).ShouldHaveSingleItem().Message;

        message.ShouldContain("':b='");
    }

    [Fact]
    public void Validate_url_on_other_host_names_the_host()
    {
        var message = ShouldRefuse(With("backURL", "https://evil.com/"), "backURL").ShouldHaveSingleItem().Message;

        message.ShouldContain("evil.com");
    }

    [Fact]
    public void Validate_url_with_user_info_says_so()
    {
        var message = ShouldRefuse(With("backURL", "https://user:pw@shop.example/"), "backURL").ShouldHaveSingleItem().Message;

        message.ShouldContain("user name or password");
    }

    [Fact]
    public void Validate_success_url_becomes_back_url()
    {
        ShouldAccept(With("successURL", "https://shop.example/ok")).BackUrl.ShouldBe(new Uri("https://shop.example/ok"));
    }

    [Fact]
    public void Validate_url_on_host_added_to_shop_succeeds()
    {
        shop.SetAllowedRedirectHosts(["pay.shop.example", "other.example"]);

        ShouldAccept(With("backURL", "https://pay.shop.example/ok")).BackUrl.ShouldBe(new Uri("https://pay.shop.example/ok"));
        ShouldAccept(With("declineURL", "https://other.example/no")).DeclineUrl.ShouldBe(new Uri("https://other.example/no"));
    }

    [Theory]
    [InlineData("127.0.0.1:5555")]
    [InlineData("http://127.0.0.1:5555")]
    public void Validate_url_on_another_port_of_an_allowed_origin_fails(string allowed)
    {
        shop.SetAllowedRedirectHosts([allowed, "127.0.0.1:1234"]);

        ShouldRefuse(With("backURL", "http://127.0.0.1:1/"), "backURL");
        ShouldAccept(With("backURL", "http://127.0.0.1:1234/ok")).BackUrl.ShouldBe(new Uri("http://127.0.0.1:1234/ok"));
    }

    [Fact]
    public void Validate_url_on_host_removed_from_shop_fails()
    {
        shop.SetAllowedRedirectHosts(["pay.shop.example"]);

        ShouldRefuse(With("backURL", "https://shop.example/ok"), "backURL");
    }

    [Fact]
    public void Validate_url_when_shop_allows_no_host_fails()
    {
        shop.SetAllowedRedirectHosts([]);

        ShouldRefuse(With("backURL", "https://shop.example/ok"), "backURL");
    }

    // ---- email ----

    [Theory]
    [InlineData("buyer@example.com")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("a_b-c@example.org")]
    public void Validate_valid_email_succeeds(string email)
    {
        ShouldAccept(With("email", email)).Email.ShouldBe(email);
    }

    /// <summary>A valid address of exactly <paramref name="length"/> characters, with short labels.</summary>
    private static string EmailOfLength(int length) =>
        "buyer@" + new string('a', 40) + "." + new string('b', length - 6 - 40 - 1 - 4) + ".com";

    [Fact]
    public void Validate_email_of_100_characters_succeeds()
    {
        var email = EmailOfLength(100);
        email.Length.ShouldBe(100);

        ShouldAccept(With("email", email)).Email.ShouldBe(email);
    }

    [Fact]
    public void Validate_email_of_101_characters_fails()
    {
        var email = EmailOfLength(101);
        email.Length.ShouldBe(101);

        ShouldRefuse(With("email", email), "email").ShouldHaveSingleItem().Message.ShouldContain("100");
    }

    [Theory]
    [InlineData("buyer")]
    [InlineData("buyer@")]
    [InlineData("@example.com")]
    [InlineData("buyer@example")]
    [InlineData("a b@example.com")]
    [InlineData("buyer@exa mple.com")]
    [InlineData(" buyer@example.com")]
    [InlineData("buyer@example.com ")]
    [InlineData("a@b@example.com")]
    [InlineData("Buyer <buyer@example.com>")]
    [InlineData("buyer@example.com, other@example.com")]
    [InlineData("buyer@example.com\n")]
    [InlineData("buyer@example.com\r\nBcc: x@evil.com")]
    public void Validate_invalid_email_fails(string email)
    {
        ShouldRefuse(With("email", email), "email");
    }

    // ---- customerNumber ----

    [Theory]
    [InlineData("1")]
    [InlineData("cust-1")]
    [InlineData("A.b_C-9")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void Validate_valid_customer_number_succeeds(string customerNumber)
    {
        ShouldAccept(With("customerNumber", customerNumber)).CustomerNumber.ShouldBe(customerNumber);
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("a b")]
    [InlineData(" a")]
    [InlineData("a/b")]
    [InlineData("a@b")]
    [InlineData("a+b")]
    [InlineData("a:b")]
    [InlineData("müller")]
    [InlineData("１")]
    [InlineData("a\tb")]
    public void Validate_invalid_customer_number_fails(string customerNumber)
    {
        ShouldRefuse(With("customerNumber", customerNumber), "customerNumber");
    }

    [Theory]
    [InlineData("abc\n")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345\n")]
    public void Validate_customer_number_with_trailing_line_feed_fails(string customerNumber)
    {
        ShouldRefuse(With("customerNumber", customerNumber), "customerNumber");
    }

    // ---- oneClickToken ----

    [Theory]
    [InlineData("3.2")]
    [InlineData("3.3")]
    [InlineData("3.4")]
    [InlineData("3.5")]
    [InlineData("4")]
    public void Validate_one_click_token_with_version_3_2_or_later_succeeds(string version)
    {
        ShouldAccept(With("oneClickToken", "tok_ABC-123", With("version", version))).OneClickToken.ShouldBe("tok_ABC-123");
    }

    [Theory]
    [InlineData("3.0")]
    [InlineData("3.1")]
    public void Validate_one_click_token_with_earlier_version_fails(string version)
    {
        ShouldRefuse(With("oneClickToken", "tok_ABC-123", With("version", version)), "oneClickToken")
            .ShouldHaveSingleItem().Message.ShouldContain("3.2");
    }

    [Theory]
    [InlineData("tok en")]
    [InlineData("tok/en")]
    [InlineData("tok+en=")]
    [InlineData("tok\n")]
    public void Validate_malformed_one_click_token_fails(string token)
    {
        ShouldRefuse(With("oneClickToken", token), "oneClickToken");
    }

    [Fact]
    public void Validate_one_click_token_over_128_characters_fails()
    {
        ShouldRefuse(With("oneClickToken", new string('t', 129)), "oneClickToken");
    }

    [Fact]
    public void Validate_one_click_token_of_128_characters_succeeds()
    {
        ShouldAccept(With("oneClickToken", new string('t', 128)));
    }

    [Fact]
    public void Validate_long_rejected_value_is_shortened_in_message()
    {
        var message = ShouldRefuse(With("version", new string('9', 500)), "version").ShouldHaveSingleItem().Message;

        message.Length.ShouldBeLessThan(200);
    }
}
