namespace OneClick.Core.Api;

/// <summary>
/// One <c>Idempotency-Key</c> of a shop's API POST and the first answer to it. Saved before the
/// request runs, so that a concurrent duplicate finds it in progress instead of running twice; the
/// same key with the same body later gets the first answer again, with another body a conflict.
/// </summary>
public sealed class IdempotencyRecord
{
    public const int MaxKeyLength = 255;

    /// <summary>How long a key is remembered: a retry comes within minutes, a day is generous.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    private IdempotencyRecord()
    {
    }

    public IdempotencyRecord(int shopId, string key, string requestHash, DateTime now)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(requestHash);
        ShopId = shopId;
        Key = key;
        RequestHash = requestHash;
        CreatedAt = now;
    }

    public long Id { get; private set; }

    public int ShopId { get; private set; }

    public string Key { get; private set; } = "";

    /// <summary>SHA-256 of the method, the path and the body, in hex.</summary>
    public string RequestHash { get; private set; } = "";

    public int? StatusCode { get; private set; }

    public string? ResponseBody { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime? CompletedAt { get; private set; }

    public bool IsComplete => StatusCode is not null;

    public static bool IsValidKey(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxKeyLength && key.All(c => c is >= '!' and <= '~');

    public void Complete(int statusCode, string responseBody, DateTime now)
    {
        if (IsComplete)
        {
            throw new InvalidOperationException("An idempotency key keeps its first answer.");
        }

        StatusCode = statusCode;
        ResponseBody = responseBody;
        CompletedAt = now;
    }
}
