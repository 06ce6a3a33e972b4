using System.Text;
using System.Text.Json.Nodes;
using OneClick.Web.Features.Api;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>How a JSON API body is read: malformed JSON is 400 wherever it breaks; a field of the wrong type is 422 naming it.</summary>
public sealed class ApiBodyTests
{
    [Theory]
    [InlineData("{")]
    [InlineData("{\"order\":")]
    [InlineData("{\"order\":{\"orderId\":\"a\",}}")]
    [InlineData("{\"order\":{\"orderId\":\"a\" \"amount\":1}}")]
    [InlineData("{\"order\":{\"amount\":12a}}")]
    [InlineData("{\"order\":{}} x")]
    public void Malformed_json_anywhere_is_a_400_that_says_where(string body)
    {
        var (read, problem) = ApiBody.Read<OrderBody>(Encoding.UTF8.GetBytes(body));

        read.ShouldBeNull();
        problem.ShouldNotBeNull().Status.ShouldBe(400);
        var json = JsonNode.Parse(problem.Body)!;
        json["type"]!.GetValue<string>().ShouldBe(OneClick.Web.Features.Api.ApiAnswer.ProblemTypePrefix + "invalid-json");
        json["detail"]!.GetValue<string>().ShouldMatch(@"line \d+, byte \d+");
    }

    [Theory]
    [InlineData("{\"order\":5}", "order")]
    [InlineData("{\"order\":{\"amount\":\"12a\"}}", "order.amount")]
    [InlineData("{\"order\":{\"orderId\":7}}", "order.orderId")]
    [InlineData("{\"foo\":1}", "foo")]
    [InlineData("{\"order\":{\"amout\":1}}", "order.amout")]
    [InlineData("{\"paymentSession\":{\"recurence\":{}}}", "paymentSession.recurence")]
    [InlineData("{\"paymentSession\":{\"recurrence\":{\"acton\":\"X\"}}}", "paymentSession.recurrence.acton")]
    public void A_well_formed_body_with_a_wrong_field_is_a_422_that_names_it(string body, string field)
    {
        var (_, problem) = ApiBody.Read<OrderBody>(Encoding.UTF8.GetBytes(body));

        problem.ShouldNotBeNull().Status.ShouldBe(422);
        JsonNode.Parse(problem.Body)!["errors"]!.AsObject().Select(e => e.Key).ShouldBe([field], problem.Body);
    }
}
