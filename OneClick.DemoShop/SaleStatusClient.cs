using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OneClick.DemoShop;

/// <summary>
/// Asks the gateway's status page how a sale ended (docs/protocol.md section 6), from the shop's server:
/// after a decline it is where the user's latest active oneClickToken can be found.
/// </summary>
internal sealed class SaleStatusClient(HttpClient http, string gatewayUrl, string shopId, string signatureKey, ILogger logger)
{
    /// <summary>The status page's fields for <paramref name="saleId"/>; null when it did not answer FOUND for that sale.</summary>
    public async Task<IReadOnlyDictionary<string, string>?> SaleAsync(long saleId, CancellationToken cancellationToken)
    {
        var sale = saleId.ToString(CultureInfo.InvariantCulture);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("shopID", shopId),
            new("version", "3.4"),
            new("saleID", sale),
        };
        fields.Add(new("signature", GatewaySignatures.Sign(signatureKey, fields)));
        var url = gatewayUrl + "/salestatus?" + string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("text/plain");
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var answer = Parse(body);
            if (!response.IsSuccessStatusCode || answer.GetValueOrDefault("response") != "FOUND" || answer.GetValueOrDefault("saleID") != sale)
            {
                logger.LogWarning("Demo shop: the status page answered {Status} '{Response}' for sale {SaleId}.",
                    (int)response.StatusCode, answer.GetValueOrDefault("error") ?? answer.GetValueOrDefault("response"), sale);
                return null;
            }

            return answer;
        }
        catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // The buyer still sees the decline; the next approved sale brings a token again.
            logger.LogWarning(ex, "Demo shop: the status page for sale {SaleId} did not answer.", sale);
            return null;
        }
    }

    /// <summary><c>name: value</c> lines; the first of a repeated name counts, lines without ": " are skipped.</summary>
    internal static Dictionary<string, string> Parse(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in body.Split('\n'))
        {
            var at = line.IndexOf(": ", StringComparison.Ordinal);
            if (at > 0)
            {
                fields.TryAdd(line[..at].Trim(), line[(at + 2)..].Trim());
            }
        }

        return fields;
    }
}
