using OneClick.Core;
using OneClick.Core.Orders;
using OneClick.Core.Shops;

namespace OneClick.Tests.Core.Orders;

/// <summary>Every rule of an API order body (docs/protocol.md section 7): each error names its field by its JSON path.</summary>
public class ApiOrderParserTests
{
    private static readonly DateTime Now = CoreTestData.Now;

    private readonly Shop shop = CoreTestData.NewShop();

    /// <summary>A valid hosted-page body on the test shop's host (shop.example).</summary>
    private static ApiOrderFields Valid() => new(
        OrderId: "order-1",
        Amount: 999,
        Currency: "EUR",
        CustomerId: "cust-1",
        Description: "100 credits",
        ResultUrl: "https://shop.example/result",
        CancelUrl: "https://shop.example/cancel",
        NotificationUrl: null,
        RecurrenceAction: null,
        ContractId: null,
        ContractType: null,
        ExpiresAt: null);

    private static ApiOrderFields Contract(string action, string? contractId = "contract-1") =>
        Valid() with { RecurrenceAction = action, ContractId = contractId, ContractType = "CIT" };

    private static ApiOrderFields Link(DateTimeOffset? expiresAt) => Valid() with { ExpiresAt = Iso(expiresAt) };

    /// <summary>As a merchant's JSON carries it: ISO 8601 with the offset.</summary>
    private static string? Iso(DateTimeOffset? time) =>
        time?.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture);

    private ApiOrderRequest ShouldAccept(ApiOrderFields fields, OrderChannel channel = OrderChannel.HostedPage)
    {
        var (request, errors) = ApiOrderParser.Parse(channel, fields, shop, Now);
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(e => $"{e.Parameter} {e.Message}")));
        return request.ShouldNotBeNull();
    }

    /// <summary>Refused with one error that names <paramref name="field"/>; its message is returned.</summary>
    private string ShouldRefuse(ApiOrderFields fields, string field, OrderChannel channel = OrderChannel.HostedPage)
    {
        var (request, errors) = ApiOrderParser.Parse(channel, fields, shop, Now);
        request.ShouldBeNull();
        var error = errors.ShouldHaveSingleItem(string.Join("; ", errors.Select(e => $"{e.Parameter} {e.Message}")));
        error.Parameter.ShouldBe(field);
        error.Message.ShouldNotBeNullOrWhiteSpace();
        return error.Message;
    }

    // ---- a valid body ----

    [Fact]
    public void Parse_valid_hosted_page_body_copies_every_field()
    {
        var request = ShouldAccept(Valid() with { NotificationUrl = "https://shop.example/notify" });

        request.Channel.ShouldBe(OrderChannel.HostedPage);
        request.ShopId.ShouldBe(shop.Id);
        request.OrderId.ShouldBe("order-1");
        request.Price.ShouldBe(new Money(9.99m, "EUR"));
        request.CustomerId.ShouldBe("cust-1");
        request.Description.ShouldBe("100 credits");
        request.ResultUrl.ShouldBe(new Uri("https://shop.example/result"));
        request.CancelUrl.ShouldBe(new Uri("https://shop.example/cancel"));
        request.NotificationUrl.ShouldBe(new Uri("https://shop.example/notify"));
        request.Recurrence.ShouldBe(RecurrenceAction.NoRecurring);
        request.ContractId.ShouldBeNull();
        request.ExpiresAt.ShouldBeNull();
    }

    [Fact]
    public void Parse_every_field_wrong_reports_every_field_at_once()
    {
        var fields = new ApiOrderFields(null, null, null, null, null, null, null, null, null, null, null, null);

        var (request, errors) = ApiOrderParser.Parse(OrderChannel.PayByLink, fields, shop, Now);

        request.ShouldBeNull();
        errors.Select(e => e.Parameter).ShouldBe(
            ["order.orderId", "order.amount", "order.currency", "order.description", "paymentSession.resultUrl", "paymentSession.cancelUrl", "expiresAt"],
            ignoreOrder: true);
        errors.ShouldAllBe(e => !string.IsNullOrWhiteSpace(e.Message));
    }

    // ---- order.orderId ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_missing_orderId_is_required(string? orderId)
    {
        ShouldRefuse(Valid() with { OrderId = orderId }, "order.orderId").ShouldStartWith("is required");
    }

    [Fact]
    public void Parse_orderId_of_64_characters_is_accepted()
    {
        ShouldAccept(Valid() with { OrderId = new string('a', 64) }).OrderId.Length.ShouldBe(64);
    }

    [Fact]
    public void Parse_orderId_of_65_characters_is_refused()
    {
        ShouldRefuse(Valid() with { OrderId = new string('a', 65) }, "order.orderId").ShouldContain("1 to 64 characters");
    }

    [Theory]
    [InlineData("order 1")]
    [InlineData("order/1")]
    [InlineData("order#1")]
    [InlineData("ordér-1")]
    [InlineData("order\n1")]
    public void Parse_orderId_with_other_characters_is_refused(string orderId)
    {
        ShouldRefuse(Valid() with { OrderId = orderId }, "order.orderId").ShouldContain("A-Z, a-z, 0-9, '.', '_' and '-'");
    }

    [Fact]
    public void Parse_orderId_of_letters_digits_dot_underscore_and_dash_is_accepted()
    {
        ShouldAccept(Valid() with { OrderId = "Order_2026.11-22" }).OrderId.ShouldBe("Order_2026.11-22");
    }

    // ---- order.amount ----

    [Fact]
    public void Parse_missing_amount_is_required_in_minor_units()
    {
        ShouldRefuse(Valid() with { Amount = null }, "order.amount").ShouldContain("999 for 9.99");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void Parse_amount_not_above_zero_is_refused(long amount)
    {
        ShouldRefuse(Valid() with { Amount = amount }, "order.amount").ShouldContain("greater than 0");
    }

    [Theory]
    [InlineData(100_000_001L)]
    [InlineData(long.MaxValue)]
    public void Parse_amount_over_one_million_is_refused(long amount)
    {
        ShouldRefuse(Valid() with { Amount = amount }, "order.amount").ShouldContain("at most 100000000");
    }

    [Theory]
    [InlineData(999L, "9.99")]
    [InlineData(1L, "0.01")]
    [InlineData(10L, "0.10")]
    [InlineData(100L, "1.00")]
    [InlineData(100_000_000L, "1000000.00")]
    public void Parse_amount_in_minor_units_becomes_the_decimal_price(long minor, string price)
    {
        ShouldAccept(Valid() with { Amount = minor }).Price.Amount.ShouldBe(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture));
    }

    // ---- order.currency ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_missing_currency_is_required_and_lists_the_shops_currencies(string? currency)
    {
        ShouldRefuse(Valid() with { Currency = currency }, "order.currency").ShouldContain("EUR");
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("eur")]
    [InlineData("EURO")]
    public void Parse_currency_that_is_not_a_shop_currency_is_refused(string currency)
    {
        ShouldRefuse(Valid() with { Currency = currency }, "order.currency").ShouldContain("must be one of this shop's currencies");
    }

    [Fact]
    public void Parse_currency_the_gateway_knows_but_the_shop_does_not_take_is_refused()
    {
        shop.SetCurrencies(["EUR"]);

        ShouldRefuse(Valid() with { Currency = "USD" }, "order.currency").ShouldContain("(EUR)");
    }

    // ---- order.description ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_missing_or_blank_description_is_required(string? description)
    {
        ShouldRefuse(Valid() with { Description = description }, "order.description").ShouldStartWith("is required");
    }

    [Fact]
    public void Parse_description_of_100_characters_is_accepted()
    {
        ShouldAccept(Valid() with { Description = new string('é', 100) }).Description.Length.ShouldBe(100);
    }

    [Fact]
    public void Parse_description_over_100_characters_is_refused()
    {
        ShouldRefuse(Valid() with { Description = new string('x', 101) }, "order.description").ShouldContain("at most 100 characters");
    }

    [Theory]
    [InlineData("100\ncredits")]
    [InlineData("100\tcredits")]
    [InlineData("100\u0000credits")]
    [InlineData("100\u007fcredits")]
    public void Parse_description_with_control_characters_is_refused(string description)
    {
        ShouldRefuse(Valid() with { Description = description }, "order.description").ShouldContain("control characters");
    }

    // ---- order.customerId ----

    [Fact]
    public void Parse_customerId_is_optional_without_a_contract()
    {
        ShouldAccept(Valid() with { CustomerId = null }).CustomerId.ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("cust 1")]
    [InlineData("cust@1")]
    [InlineData("123456789012345678901234567890123")]
    public void Parse_customerId_off_the_pattern_is_refused(string customerId)
    {
        ShouldRefuse(Valid() with { CustomerId = customerId }, "order.customerId").ShouldContain("1 to 32 characters");
    }

    [Fact]
    public void Parse_customerId_of_32_characters_is_accepted()
    {
        ShouldAccept(Valid() with { CustomerId = new string('c', 32) }).CustomerId.ShouldBe(new string('c', 32));
    }

    // ---- paymentSession.resultUrl, cancelUrl, notificationUrl ----

    public static TheoryData<string> UrlFields() => ["paymentSession.resultUrl", "paymentSession.cancelUrl"];

    private static ApiOrderFields WithUrl(string field, string? url) => field switch
    {
        "paymentSession.resultUrl" => Valid() with { ResultUrl = url },
        "paymentSession.cancelUrl" => Valid() with { CancelUrl = url },
        "paymentSession.notificationUrl" => Valid() with { NotificationUrl = url },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    [Theory]
    [MemberData(nameof(UrlFields))]
    public void Parse_missing_result_or_cancel_url_is_required(string field)
    {
        ShouldRefuse(WithUrl(field, null), field).ShouldContain("allowed redirect hosts");
        ShouldRefuse(WithUrl(field, ""), field).ShouldStartWith("is required");
    }

    [Theory]
    [InlineData("paymentSession.resultUrl", "https://shop.example.evil.test/result")]
    [InlineData("paymentSession.resultUrl", "https://evilshop.example/result")]
    [InlineData("paymentSession.resultUrl", "https://other.test/result")]
    [InlineData("paymentSession.cancelUrl", "https://shop.example.evil.test/cancel")]
    [InlineData("paymentSession.notificationUrl", "https://shop.example.evil.test/notify")]
    public void Parse_url_on_a_host_that_is_not_allowed_is_refused(string field, string url)
    {
        ShouldRefuse(WithUrl(field, url), field).ShouldContain("not one of this shop's allowed redirect hosts");
    }

    [Theory]
    [InlineData("paymentSession.resultUrl", "https://shop.example@evil.test/result")]
    [InlineData("paymentSession.resultUrl", "https://user:secret@shop.example/result")]
    [InlineData("paymentSession.cancelUrl", "https://shop.example@evil.test/cancel")]
    [InlineData("paymentSession.notificationUrl", "https://user@shop.example/notify")]
    public void Parse_url_with_userinfo_is_refused(string field, string url)
    {
        ShouldRefuse(WithUrl(field, url), field).ShouldContain("user name or password");
    }

    [Theory]
    [InlineData("paymentSession.resultUrl", "javascript:alert(1)")]
    [InlineData("paymentSession.resultUrl", "ftp://shop.example/result")]
    [InlineData("paymentSession.resultUrl", "/result")]
    [InlineData("paymentSession.cancelUrl", "data:text/html,hi")]
    [InlineData("paymentSession.notificationUrl", "file:///etc/passwd")]
    public void Parse_url_that_is_not_absolute_http_is_refused(string field, string url)
    {
        ShouldRefuse(WithUrl(field, url), field).ShouldContain("absolute http or https URL");
    }

    [Fact]
    public void Parse_notificationUrl_is_optional()
    {
        ShouldAccept(Valid() with { NotificationUrl = null }).NotificationUrl.ShouldBeNull();
    }

    [Fact]
    public void Parse_url_with_a_query_parameter_the_gateway_adds_is_refused()
    {
        ShouldRefuse(Valid() with { ResultUrl = "https://shop.example/result?securityToken=forged" }, "paymentSession.resultUrl")
            .ShouldContain("securityToken");
    }

    // ---- paymentSession.recurrence ----

    [Theory]
    [InlineData(null, RecurrenceAction.NoRecurring)]
    [InlineData("NO_RECURRING", RecurrenceAction.NoRecurring)]
    public void Parse_without_contract_is_no_recurring(string? action, RecurrenceAction expected)
    {
        var request = ShouldAccept(Valid() with { RecurrenceAction = action });

        request.Recurrence.ShouldBe(expected);
        request.ContractId.ShouldBeNull();
    }

    [Theory]
    [InlineData("CONTRACT_CREATION", RecurrenceAction.ContractCreation)]
    [InlineData("SUBSEQUENT_PAYMENT", RecurrenceAction.SubsequentPayment)]
    public void Parse_contract_action_keeps_the_contractId(string action, RecurrenceAction expected)
    {
        var request = ShouldAccept(Contract(action));

        request.Recurrence.ShouldBe(expected);
        request.ContractId.ShouldBe("contract-1");
    }

    [Theory]
    [InlineData("RECURRING")]
    [InlineData("contract_creation")]
    [InlineData("")]
    public void Parse_unknown_action_is_refused_naming_the_actions(string action)
    {
        ShouldRefuse(Valid() with { RecurrenceAction = action }, "paymentSession.recurrence.action")
            .ShouldContain("NO_RECURRING, CONTRACT_CREATION or SUBSEQUENT_PAYMENT");
    }

    [Fact]
    public void Parse_unknown_action_with_contractId_names_only_the_action()
    {
        // A misspelt CONTRACT_CREATION: leaving the contractId out, as a second error would advise, is not the fix.
        ShouldRefuse(Contract("CONTRACT_CREATON"), "paymentSession.recurrence.action").ShouldContain("not 'CONTRACT_CREATON'");
    }

    [Theory]
    [InlineData("CONTRACT_CREATION", null)]
    [InlineData("CONTRACT_CREATION", "")]
    [InlineData("SUBSEQUENT_PAYMENT", null)]
    [InlineData("SUBSEQUENT_PAYMENT", "")]
    public void Parse_contract_action_without_contractId_is_refused(string action, string? contractId)
    {
        ShouldRefuse(Contract(action, contractId), "paymentSession.recurrence.contractId").ShouldContain("is required with " + action);
    }

    [Theory]
    [InlineData("contract 1")]
    [InlineData("contract/1")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345")]
    public void Parse_contractId_off_the_pattern_is_refused(string contractId)
    {
        ShouldRefuse(Contract("CONTRACT_CREATION", contractId), "paymentSession.recurrence.contractId").ShouldContain("1 to 64 characters");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("NO_RECURRING")]
    public void Parse_contractId_with_no_recurring_is_refused(string? action)
    {
        ShouldRefuse(Valid() with { RecurrenceAction = action, ContractId = "contract-1" }, "paymentSession.recurrence.contractId")
            .ShouldContain("leave it out with NO_RECURRING");
    }

    [Theory]
    [InlineData("MIT")]
    [InlineData("cit")]
    [InlineData("")]
    public void Parse_contractType_other_than_CIT_is_refused(string contractType)
    {
        ShouldRefuse(Contract("CONTRACT_CREATION") with { ContractType = contractType }, "paymentSession.recurrence.contractType")
            .ShouldContain("must be CIT");
    }

    [Fact]
    public void Parse_contractType_may_be_left_out()
    {
        ShouldAccept(Contract("SUBSEQUENT_PAYMENT") with { ContractType = null }).Recurrence.ShouldBe(RecurrenceAction.SubsequentPayment);
    }

    [Theory]
    [InlineData("CONTRACT_CREATION")]
    [InlineData("SUBSEQUENT_PAYMENT")]
    public void Parse_contract_without_customerId_is_refused(string action)
    {
        ShouldRefuse(Contract(action) with { CustomerId = null }, "order.customerId").ShouldContain("is required with " + action);
    }

    // ---- expiresAt ----

    [Fact]
    public void Parse_pay_by_link_without_expiresAt_is_refused()
    {
        ShouldRefuse(Link(null), "expiresAt", OrderChannel.PayByLink).ShouldContain("is required");
    }

    [Fact]
    public void Parse_hosted_page_with_expiresAt_is_refused()
    {
        ShouldRefuse(Link(Now.AddDays(1)), "expiresAt").ShouldContain("only for pay-by-link");
    }

    [Theory]
    [InlineData("2026-12-01T18:00:00")]
    [InlineData("2026-12-01 18:00:00Z")]
    [InlineData("tomorrow")]
    [InlineData("2026-13-01T18:00:00Z")]
    public void Parse_pay_by_link_expiresAt_without_offset_or_not_a_time_is_refused(string expiresAt)
    {
        ShouldRefuse(Valid() with { ExpiresAt = expiresAt }, "expiresAt", OrderChannel.PayByLink).ShouldContain("with its offset");
    }

    [Fact]
    public void Parse_pay_by_link_keeps_expiresAt_in_utc()
    {
        var request = ShouldAccept(Link(new DateTimeOffset(Now.AddHours(3), TimeSpan.Zero).ToOffset(TimeSpan.FromHours(2))), OrderChannel.PayByLink);

        request.Channel.ShouldBe(OrderChannel.PayByLink);
        request.ExpiresAt.ShouldBe(Now.AddHours(3));
        request.ExpiresAt!.Value.Kind.ShouldBe(DateTimeKind.Utc);
    }

    [Fact]
    public void Parse_pay_by_link_expiring_in_exactly_5_minutes_is_accepted()
    {
        ShouldAccept(Link(Now.AddMinutes(5)), OrderChannel.PayByLink).ExpiresAt.ShouldBe(Now.AddMinutes(5));
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(0)]
    [InlineData(299)]
    public void Parse_pay_by_link_expiring_sooner_than_5_minutes_is_refused(int seconds)
    {
        ShouldRefuse(Link(Now.AddSeconds(seconds)), "expiresAt", OrderChannel.PayByLink).ShouldContain("at least 5 minutes in the future");
    }

    [Fact]
    public void Parse_pay_by_link_expiring_in_exactly_30_days_is_accepted()
    {
        ShouldAccept(Link(Now.AddDays(30)), OrderChannel.PayByLink).ExpiresAt.ShouldBe(Now.AddDays(30));
    }

    [Fact]
    public void Parse_pay_by_link_expiring_later_than_30_days_is_refused()
    {
        ShouldRefuse(Link(Now.AddDays(30).AddSeconds(1)), "expiresAt", OrderChannel.PayByLink).ShouldContain("at most 30 days");
    }

    [Fact]
    public void Parse_pay_by_link_with_a_contract_is_accepted()
    {
        var request = ShouldAccept(Contract("CONTRACT_CREATION") with { ExpiresAt = Iso(new DateTimeOffset(Now.AddDays(1), TimeSpan.Zero)) }, OrderChannel.PayByLink);

        (request.Channel, request.Recurrence, request.ContractId).ShouldBe((OrderChannel.PayByLink, RecurrenceAction.ContractCreation, "contract-1"));
    }
}
