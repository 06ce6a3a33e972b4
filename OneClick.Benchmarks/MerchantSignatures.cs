using System.Security.Cryptography;
using System.Text;
using OneClick.Core.Postbacks;
using OneClick.Core.Signatures;

namespace OneClick.Benchmarks;

/// <summary>What the merchant checks before it believes the gateway: the query's signature, and a postback's header.</summary>
internal static class MerchantSignatures
{
    /// <summary>How old a postback's signed time may be: the run's whole length is well inside it.</summary>
    private static readonly TimeSpan HeaderTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The <c>signature</c> over every other field, with the shop's key (docs/protocol.md, OK data).</summary>
    public static bool QueryVerifies(IReadOnlyDictionary<string, string> query) =>
        query.TryGetValue("signature", out var given)
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(FlexPaySignature.SignMessage(BenchShop.SignatureKey, query)),
            Encoding.ASCII.GetBytes(given.ToLowerInvariant()));

    /// <summary>The postback's <c>X-OneClick-Signature</c> header over its raw query string, and the query's own signature.</summary>
    public static bool PostbackVerifies(string? header, string rawQuery, IReadOnlyDictionary<string, string> query, DateTimeOffset now) =>
        PostbackSignature.Verify(header, BenchShop.SignatureKey, rawQuery, now, HeaderTolerance) && QueryVerifies(query);
}
