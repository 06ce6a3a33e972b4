using OneClick.Core.Protocol;

namespace OneClick.Web.Features.BackOffice.Postbacks;

/// <summary>Postback URLs as the back-office shows them.</summary>
public static class PostbackUrls
{
    private const string TokenName = "oneClickToken";

    /// <summary>
    /// The URL without any <c>oneClickToken</c>: the outbox never stores it (it joins only as the
    /// postback is sent), and should one ever appear, a bearer token is still not for a screen.
    /// </summary>
    public static string WithoutToken(string url)
    {
        var fragmentAt = url.IndexOf('#', StringComparison.Ordinal);
        var head = fragmentAt >= 0 ? url[..fragmentAt] : url;
        var queryAt = head.IndexOf('?', StringComparison.Ordinal);
        if (queryAt < 0)
        {
            return head;
        }

        var kept = head[(queryAt + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => MerchantUrl.ParseQuery(pair) is not [{ Key: TokenName }]);
        var query = string.Join('&', kept);
        return query.Length == 0 ? head[..queryAt] : $"{head[..queryAt]}?{query}";
    }
}
