using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Api;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Api;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// <c>Idempotency-Key</c> on every POST (docs/protocol.md section 7): the same key and body get the first
/// answer again, another body or endpoint a 409, and concurrent duplicates execute once.
/// </summary>
public sealed class IdempotencyTests : IDisposable
{
    private const string Hpp = "/api/v1/orders/hpp";

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    private Task<int> OrderCountAsync() => gateway.WithDbAsync(db => db.Orders.CountAsync());

    private Task<List<IdempotencyRecord>> RecordsAsync() => gateway.WithDbAsync(db => db.IdempotencyRecords.AsNoTracking().ToListAsync());

    /// <summary>The hash <see cref="IdempotentPosts"/> keeps of a request: SHA-256 of method, path and body.</summary>
    private static string RequestHash(string method, string path, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(method + " " + path + "\n" + body)));

    private static void ShouldBeTheCreatedOrder(ApiResponse response, ApiResponse first)
    {
        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Body.ShouldBe(first.Body);
    }

    // ---- same key ----

    [Fact]
    public async Task Same_key_and_body_replays_the_first_answer_and_creates_one_order()
    {
        var api = MerchantApi.Of(gateway);
        var body = MerchantApi.OrderBody("order-1");

        var first = await api.PostAsync(Hpp, body, "key-1");
        var second = await api.PostAsync(Hpp, body, "key-1");
        var third = await api.PostAsync(Hpp, body, "key-1");

        first.Status.ShouldBe(HttpStatusCode.OK, first.ToString());
        first.Replayed.ShouldBeFalse();
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        foreach (var replay in new[] { second, third })
        {
            ShouldBeTheCreatedOrder(replay, first);
            replay.ContentType.ShouldBe(first.ContentType);
            replay.Replayed.ShouldBeTrue();
        }

        (await OrderCountAsync()).ShouldBe(1);
        var record = (await RecordsAsync()).ShouldHaveSingleItem();
        (record.ShopId, record.Key, record.StatusCode, record.ResponseBody).ShouldBe((GatewayFactory.ShopId, "key-1", (int?)200, first.Body));
    }

    [Fact]
    public async Task Same_key_and_body_for_a_pay_by_link_replays_the_first_answer()
    {
        var api = MerchantApi.Of(gateway);
        var body = MerchantApi.PayByLinkBody("order-1", gateway.Clock.GetUtcNow().AddDays(1)).ToJsonString();

        var first = await api.PostRawAsync("/api/v1/orders/paybylink", body, "key-1");
        var second = await api.PostRawAsync("/api/v1/orders/paybylink", body, "key-1");

        first.Status.ShouldBe(HttpStatusCode.OK, first.ToString());
        ShouldBeTheCreatedOrder(second, first);
        second.Replayed.ShouldBeTrue();
        (await OrderCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Same_key_and_body_replays_the_first_answer_even_after_the_order_was_paid()
    {
        var api = MerchantApi.Of(gateway);
        var body = MerchantApi.OrderBody("order-1");
        var first = await api.PostAsync(Hpp, body, "key-1");
        var buyer = Buyer.Of(gateway);
        await buyer.PayAsync(await buyer.GetAsync(new Uri(first.Json["hostedPage"]!.GetValue<string>()).PathAndQuery));

        var replay = await api.PostAsync(Hpp, body, "key-1");

        ShouldBeTheCreatedOrder(replay, first);
        replay.Replayed.ShouldBeTrue();
    }

    [Fact]
    public async Task Same_key_with_another_body_is_a_conflict()
    {
        var api = MerchantApi.Of(gateway);
        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), "key-1")).Status.ShouldBe(HttpStatusCode.OK);

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2"), "key-1");

        response.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-reused").ShouldContain("another body or endpoint");
        response.Replayed.ShouldBeFalse();
        (await gateway.WithDbAsync(db => db.Orders.Select(o => o.ReferenceId).ToListAsync())).ShouldBe(["order-1"]);
    }

    [Fact]
    public async Task Same_key_with_the_same_json_written_differently_is_a_conflict()
    {
        var api = MerchantApi.Of(gateway);
        var json = MerchantApi.OrderBody("order-1").ToJsonString();
        (await api.PostRawAsync(Hpp, json, "key-1")).Status.ShouldBe(HttpStatusCode.OK);

        // The key covers the bytes sent: a retry sends the very same request.
        var response = await api.PostRawAsync(Hpp, json + "\n", "key-1");

        response.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-reused");
    }

    [Fact]
    public async Task Same_key_on_another_endpoint_is_a_conflict()
    {
        var api = MerchantApi.Of(gateway);
        var json = MerchantApi.OrderBody("order-1").ToJsonString();
        (await api.PostRawAsync(Hpp, json, "key-1")).Status.ShouldBe(HttpStatusCode.OK);

        var link = await api.PostRawAsync("/api/v1/orders/paybylink", json, "key-1");
        var deactivation = await api.PostRawAsync("/api/v1/contracts/contract-1/deactivation", json, "key-1");

        link.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-reused");
        deactivation.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-reused");
        (await OrderCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Same_key_on_another_contracts_deactivation_is_a_conflict()
    {
        var api = MerchantApi.Of(gateway);
        await api.CreateContractAsync(Buyer.Of(gateway), "contract-1");
        await api.CreateContractAsync(Buyer.Of(gateway), "contract-2");
        (await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-1")).Status.ShouldBe(HttpStatusCode.OK);

        var response = await api.PostAsync("/api/v1/contracts/contract-2/deactivation", null, "key-1");

        response.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-reused");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync(c => c.ContractId == "contract-2"))).IsChargeable.ShouldBeTrue();
    }

    [Fact]
    public async Task Same_key_on_a_deactivation_replays_it()
    {
        var api = MerchantApi.Of(gateway);
        await api.CreateContractAsync(Buyer.Of(gateway), "contract-1");
        var first = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-1");

        var replay = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, "key-1");

        first.Status.ShouldBe(HttpStatusCode.OK, first.ToString());
        replay.Body.ShouldBe(first.Body);
        replay.Replayed.ShouldBeTrue();
    }

    [Fact]
    public async Task Key_whose_request_failed_validation_replays_the_422()
    {
        var api = MerchantApi.Of(gateway);
        var body = MerchantApi.OrderBody("order-1");
        body["order"]!["currency"] = "XYZ";

        var first = await api.PostAsync(Hpp, body, "key-1");
        var replay = await api.PostAsync(Hpp, body, "key-1");

        first.ShouldBeInvalid("order.currency");
        first.Replayed.ShouldBeFalse();
        replay.Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        replay.ContentType.ShouldBe("application/problem+json");
        replay.Body.ShouldBe(first.Body);
        replay.Replayed.ShouldBeTrue();
        (await OrderCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Key_whose_request_was_a_conflict_replays_the_409()
    {
        var api = MerchantApi.Of(gateway);
        await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), "key-1");
        var first = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", amount: 500), "key-2");

        var replay = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", amount: 500), "key-2");

        first.ShouldBeProblem(HttpStatusCode.Conflict, "order-id-in-use");
        replay.Body.ShouldBe(first.Body);
        replay.Replayed.ShouldBeTrue();
    }

    [Fact]
    public async Task Request_refused_before_it_runs_claims_no_key()
    {
        var api = MerchantApi.Of(gateway);
        var json = MerchantApi.OrderBody("order-1").ToJsonString();
        (await api.PostRawAsync(Hpp, json, "key-1", "text/plain")).Status.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await api.PostRawAsync(Hpp, "{", "key-1")).Status.ShouldBe(HttpStatusCode.BadRequest);

        var response = await api.PostRawAsync(Hpp, json, "key-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Replayed.ShouldBeFalse();
    }

    // ---- no key, invalid keys, keys per shop ----

    [Fact]
    public async Task Post_without_a_key_is_served_and_remembers_nothing()
    {
        var api = MerchantApi.Of(gateway);

        var first = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"));
        var second = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2"));
        var again = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2"));

        first.Status.ShouldBe(HttpStatusCode.OK, first.ToString());
        second.Status.ShouldBe(HttpStatusCode.OK, second.ToString());
        again.ShouldBeProblem(HttpStatusCode.Conflict, "order-id-in-use");
        (await OrderCountAsync()).ShouldBe(2);
        (await RecordsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("key 1")]
    [InlineData("key\t1")]
    public async Task Invalid_key_is_a_bad_request(string key)
    {
        var api = MerchantApi.Of(gateway);
        using var request = new HttpRequestMessage(HttpMethod.Post, Hpp)
        {
            Content = new StringContent(MerchantApi.OrderBody("order-1").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key).ShouldBeTrue();

        var response = await api.SendAsync(request);

        response.ShouldBeProblem(HttpStatusCode.BadRequest, "invalid-idempotency-key").ShouldContain("1 to 255 printable ASCII characters");
        (await OrderCountAsync()).ShouldBe(0);
        (await RecordsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Key_sent_in_two_headers_is_a_bad_request()
    {
        var api = MerchantApi.Of(gateway);
        using var request = new HttpRequestMessage(HttpMethod.Post, Hpp)
        {
            Content = new StringContent(MerchantApi.OrderBody("order-1").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["key-1", "key-2"]).ShouldBeTrue();

        var response = await api.SendAsync(request);

        response.ShouldBeProblem(HttpStatusCode.BadRequest, "invalid-idempotency-key").ShouldContain("Send one Idempotency-Key header");
        (await OrderCountAsync()).ShouldBe(0);
        (await RecordsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Key_of_256_characters_is_a_bad_request()
    {
        var api = MerchantApi.Of(gateway);

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), new string('k', 256));

        response.ShouldBeProblem(HttpStatusCode.BadRequest, "invalid-idempotency-key");
        (await OrderCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Key_of_255_printable_characters_is_accepted()
    {
        var api = MerchantApi.Of(gateway);
        var key = string.Concat(Enumerable.Range(0, 255).Select(i => (char)('!' + (i % 94))));

        var first = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), key);
        var replay = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), key);

        first.Status.ShouldBe(HttpStatusCode.OK, first.ToString());
        replay.Replayed.ShouldBeTrue();
    }

    [Fact]
    public async Task Invalid_key_on_a_deactivation_is_a_bad_request()
    {
        var api = MerchantApi.Of(gateway);
        await api.CreateContractAsync(Buyer.Of(gateway), "contract-1");

        var response = await api.PostAsync("/api/v1/contracts/contract-1/deactivation", null, new string('k', 256));

        response.ShouldBeProblem(HttpStatusCode.BadRequest, "invalid-idempotency-key");
        (await gateway.WithDbAsync(db => db.Contracts.SingleAsync())).IsChargeable.ShouldBeTrue();
    }

    [Fact]
    public async Task Same_key_in_another_shop_is_that_shops_own()
    {
        var api = MerchantApi.Of(gateway);
        await gateway.AddShopAsync(70001, "OtherShopSignatureKey0123456789", null);
        var other = new MerchantApi(gateway.CreatePlainClient(), await MerchantApi.AddKeyAsync(gateway, 70001));
        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), "key-1")).Status.ShouldBe(HttpStatusCode.OK);

        var response = await other.PostAsync(Hpp, MerchantApi.OrderBody("order-1", resultUrl: "http://other.test/result", cancelUrl: "http://other.test/cancel"), "key-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Replayed.ShouldBeFalse();
        (await OrderCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Key_older_than_a_day_is_forgotten()
    {
        var api = MerchantApi.Of(gateway);
        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), "key-1")).Status.ShouldBe(HttpStatusCode.OK);
        gateway.Clock.Advance(IdempotencyRecord.KeptFor + TimeSpan.FromMinutes(1));

        var response = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-2"), "key-1");

        response.Status.ShouldBe(HttpStatusCode.OK, response.ToString());
        response.Replayed.ShouldBeFalse();
        (await OrderCountAsync()).ShouldBe(2);
        (await RecordsAsync()).ShouldHaveSingleItem().StatusCode.ShouldBe(200);
    }

    // ---- concurrency, on a real server ----

    [Fact]
    public async Task Concurrent_duplicates_with_one_key_execute_once()
    {
        var api = MerchantApi.OnKestrel(gateway);
        var json = MerchantApi.OrderBody("order-1").ToJsonString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => api.PostRawAsync(Hpp, json, "key-1")));

        (await OrderCountAsync()).ShouldBe(1);
        var executed = responses.Where(r => r.Status == HttpStatusCode.OK && !r.Replayed).ShouldHaveSingleItem();
        foreach (var response in responses)
        {
            if (response.Status == HttpStatusCode.OK)
            {
                response.Body.ShouldBe(executed.Body);
            }
            else
            {
                response.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-in-progress").ShouldContain("still being processed");
            }
        }

        // Every duplicate that was told to wait gets the first answer when it comes again.
        var retry = await api.PostRawAsync(Hpp, json, "key-1");
        retry.Body.ShouldBe(executed.Body);
        retry.Replayed.ShouldBeTrue();
        (await RecordsAsync()).ShouldHaveSingleItem().IsComplete.ShouldBeTrue();
    }

    [Fact]
    public async Task Concurrent_orders_with_one_orderId_and_no_key_create_one()
    {
        var api = MerchantApi.OnKestrel(gateway);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => api.PostAsync(Hpp, MerchantApi.OrderBody("order-1", amount: 100 + i))));

        (await OrderCountAsync()).ShouldBe(1);
        responses.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1);
        responses.Where(r => r.Status != HttpStatusCode.OK).ShouldAllBe(r => r.Status == HttpStatusCode.Conflict && r.Body.Contains("order-id-in-use"));
    }

    [Fact]
    public async Task Concurrent_contract_creations_with_one_contractId_and_distinct_keys_each_make_their_order()
    {
        var api = MerchantApi.OnKestrel(gateway);

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            api.PostAsync(Hpp, MerchantApi.OrderBody($"order-{i}", "CONTRACT_CREATION", "contract-1"), $"key-{i}")));

        // Distinct keys are distinct requests; which of them saves the contract is decided at payment.
        responses.ShouldAllBe(r => r.Status == HttpStatusCode.OK);
        (await OrderCountAsync()).ShouldBe(16);
    }

    // ---- a crash between the key's claim and the request ----

    [Fact]
    public async Task Key_left_in_progress_by_a_crash_is_free_again_after_a_minute_and_the_retry_runs()
    {
        var api = MerchantApi.Of(gateway);
        var json = MerchantApi.OrderBody("order-1").ToJsonString();
        await gateway.WithDbAsync(db =>
        {
            // What a gateway that died after claiming the key left: the key, in progress, and no order.
            db.IdempotencyRecords.Add(new IdempotencyRecord(GatewayFactory.ShopId, "key-1", RequestHash("POST", Hpp, json), gateway.Clock.GetUtcNow().UtcDateTime));
            return db.SaveChangesAsync();
        });

        var early = await api.PostRawAsync(Hpp, json, "key-1");
        early.ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-in-progress");
        (await OrderCountAsync()).ShouldBe(0);

        gateway.Clock.Advance(IdempotentPosts.AbandonedAfter + TimeSpan.FromSeconds(1));
        var retry = await api.PostRawAsync(Hpp, json, "key-1");

        retry.Status.ShouldBe(HttpStatusCode.OK, retry.ToString());
        retry.Replayed.ShouldBeFalse();
        (await OrderCountAsync()).ShouldBe(1);
        var record = (await RecordsAsync()).ShouldHaveSingleItem();
        (record.Key, record.StatusCode, record.ResponseBody).ShouldBe(("key-1", (int?)200, retry.Body));

        var replay = await api.PostRawAsync(Hpp, json, "key-1");
        replay.Body.ShouldBe(retry.Body);
        replay.Replayed.ShouldBeTrue();
    }

    [Fact]
    public async Task Key_left_in_progress_by_a_crash_with_another_body_is_free_again_after_a_minute()
    {
        var api = MerchantApi.Of(gateway);
        await gateway.WithDbAsync(db =>
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord(GatewayFactory.ShopId, "key-1", RequestHash("POST", Hpp, "{}"), gateway.Clock.GetUtcNow().UtcDateTime));
            return db.SaveChangesAsync();
        });
        (await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), "key-1")).ShouldBeProblem(HttpStatusCode.Conflict, "idempotency-key-reused");

        gateway.Clock.Advance(IdempotentPosts.AbandonedAfter + TimeSpan.FromSeconds(1));
        var retry = await api.PostAsync(Hpp, MerchantApi.OrderBody("order-1"), "key-1");

        retry.Status.ShouldBe(HttpStatusCode.OK, retry.ToString());
        (await OrderCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Request_that_fails_after_the_claim_frees_the_key_for_its_retry()
    {
        var api = MerchantApi.Of(gateway);
        var json = MerchantApi.OrderBody("order-1").ToJsonString();
        // The database refuses the order once, as a disk or a crash might: the request fails after the key was claimed.
        await gateway.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(TestDatabase.IsPostgreSql
            ? """
              CREATE FUNCTION fail_order() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF NEW."ReferenceId" = 'order-1' THEN RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER fail_order BEFORE INSERT ON "Orders" FOR EACH ROW EXECUTE FUNCTION fail_order();
              """
            : "CREATE TRIGGER fail_order BEFORE INSERT ON Orders WHEN NEW.ReferenceId = 'order-1' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;"));

        var failed = await api.PostRawAsync(Hpp, json, "key-1");

        failed.Status.ShouldBe(HttpStatusCode.InternalServerError);
        (await OrderCountAsync()).ShouldBe(0);
        (await RecordsAsync()).ShouldBeEmpty();

        await gateway.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(TestDatabase.IsPostgreSql ? "DROP TRIGGER fail_order ON \"Orders\";" : "DROP TRIGGER fail_order;"));
        var retry = await api.PostRawAsync(Hpp, json, "key-1");

        retry.Status.ShouldBe(HttpStatusCode.OK, retry.ToString());
        retry.Replayed.ShouldBeFalse();
        (await OrderCountAsync()).ShouldBe(1);
    }
}
