using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Features.Api;

/// <summary>
/// The curl examples of docs/api.md run, in order, with bash and curl against a gateway on Kestrel,
/// and each gives the answer the page shows after it: the same status, content type and fields, and
/// the same values but for ids, tokens and times. The test plays the buyer where the page says one pays.
/// </summary>
public sealed partial class ApiDocsTests : IDisposable
{
    /// <summary>Values that differ from run to run; the page's are examples.</summary>
    private static readonly HashSet<string> Varying = new(StringComparer.Ordinal)
    {
        "hostedPage", "paymentLink", "securityToken", "operationId", "createdAt", "completedAt", "expiresAt", "deactivatedAt",
    };

    private readonly GatewayFactory gateway = new();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task Curl_examples_of_the_api_page_give_the_answers_it_shows()
    {
        var curl = FindOnPath("curl") ?? throw new InvalidOperationException("The docs/api.md examples need curl on the PATH: apt-get install curl.");
        var bash = FindOnPath("bash") ?? throw new InvalidOperationException("The docs/api.md examples need bash on the PATH.");
        gateway.Set("OneClick:Seed:ApiKey", MerchantApi.SeededKey);
        // The page's examples send the buyer back to shop.example, as a merchant names its own site.
        gateway.Set("OneClick:Seed:AllowedRedirectHosts:2", "shop.example");
        var address = gateway.StartOnKestrel();
        var baseUrl = address.ToString().TrimEnd('/');
        var buyer = new Buyer(gateway.CreateClient(new() { BaseAddress = address, AllowAutoRedirect = false, HandleCookies = true }));

        var examples = Examples(await File.ReadAllTextAsync(Path.Combine(RepositoryFolder.Root, "docs", "api.md")));

        examples.Count.ShouldBe(6, "an error example and one example per endpoint");
        foreach (var endpoint in new[] { "/api/v1/orders/hpp\"", "/api/v1/orders/paybylink\"", "/api/v1/orders/order-", "/api/v1/contracts/customers/", "/deactivation\"" })
        {
            examples.ShouldContain(e => e.Script.Contains(endpoint, StringComparison.Ordinal), $"an example calls {endpoint}");
        }

        foreach (var (script, documented) in examples)
        {
            var (status, contentType, body) = await RunAsync(bash, curl, script, baseUrl);

            var (documentedStatus, documentedType, documentedBody) = ParseAnswer(documented);
            var where = $"the example\n{script}\nanswered {status} {body}";
            status.ShouldBe(documentedStatus, where);
            contentType.ShouldBe(documentedType, where);
            var real = JsonNode.Parse(body).ShouldNotBeNull(where);
            Compare(documentedBody, real, "$", where);

            if (real["hostedPage"]?.GetValue<string>() is { } hostedPage)
            {
                // "The buyer opens hostedPage, pays with 4242 4242 4242 4242 (12/30) and completes the 3-D Secure challenge."
                var page = await buyer.GetAsync(new Uri(hostedPage).PathAndQuery);
                var challenge = await buyer.PayAsync(page, Buyer.Visa, "12/30");
                challenge.Heading.ShouldBe("Authentication required");
                (await buyer.SubmitAsync(challenge, "Complete authentication")).Text.ShouldContain("Payment approved");
            }
        }
    }

    /// <summary>Each ```sh block with a curl call, and the ```http block that shows its answer.</summary>
    private static List<(string Script, string Answer)> Examples(string markdown)
    {
        var blocks = FencedBlock().Matches(markdown).Select(m => (Language: m.Groups["language"].Value, Text: m.Groups["text"].Value)).ToList();
        var examples = new List<(string, string)>();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Language is "sh" or "bash" && blocks[i].Text.Contains("curl ", StringComparison.Ordinal))
            {
                (i + 1 < blocks.Count && blocks[i + 1].Language == "http").ShouldBeTrue($"an ```http answer follows the example\n{blocks[i].Text}");
                examples.Add((blocks[i].Text, blocks[i + 1].Text));
            }
        }

        return examples;
    }

    private static (int Status, string ContentType, JsonNode Body) ParseAnswer(string answer)
    {
        var parts = answer.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", 2);
        var head = parts[0].Split('\n');
        var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = head.Skip(1).Single(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();
        return (status, contentType, JsonNode.Parse(parts[1])!);
    }

    /// <summary>Runs the example as a reader would, with ONECLICK and API_KEY set; curl also prints the content type and status.</summary>
    private static async Task<(int Status, string ContentType, string Body)> RunAsync(string bash, string curl, string script, string baseUrl)
    {
        var start = new ProcessStartInfo(bash)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ONECLICK"] = baseUrl, ["API_KEY"] = MerchantApi.SeededKey },
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"set -eo pipefail\ncurl() {{ '{curl}' --write-out '\\n%{{content_type}}\\n%{{http_code}}' \"$@\"; }}\n{script}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The example ran for more than 30 s:\n{script}");
        }

        process.ExitCode.ShouldBe(0, $"the example failed: {await error}\n{script}");
        var lines = (await output).TrimEnd('\n').Split('\n');
        return (int.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture), lines[^2], string.Join('\n', lines[..^2]));
    }

    /// <summary>The same fields everywhere, and the same values but for those that vary from run to run.</summary>
    private static void Compare(JsonNode? documented, JsonNode? real, string path, string where)
    {
        switch (documented)
        {
            case JsonObject fields:
                var realFields = real.ShouldBeOfType<JsonObject>(where);
                realFields.Select(f => f.Key).ShouldBe(fields.Select(f => f.Key), ignoreOrder: true, $"the fields of {path} in {where}");
                foreach (var (field, value) in fields)
                {
                    Compare(value, realFields[field], $"{path}.{field}", where);
                }

                break;
            case JsonArray items:
                var realItems = real.ShouldBeOfType<JsonArray>(where);
                realItems.Count.ShouldBe(items.Count, $"{path} in {where}");
                for (var i = 0; i < items.Count; i++)
                {
                    Compare(items[i], realItems[i], $"{path}[{i}]", where);
                }

                break;
            default:
                var name = path[(path.LastIndexOf('.') + 1)..];
                if (Varying.Contains(name))
                {
                    real!.GetValueKind().ShouldBe(documented!.GetValueKind(), $"{path} in {where}");
                }
                else
                {
                    (real?.ToJsonString()).ShouldBe(documented?.ToJsonString(), $"{path} in {where}");
                }

                break;
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"^```(?<language>[a-z]*)\n(?<text>.*?)\n```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
