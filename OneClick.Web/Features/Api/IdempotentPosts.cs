using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneClick.Core.Api;
using OneClick.Core.Shops;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Api;

/// <summary>
/// Runs an API POST at most once per <c>Idempotency-Key</c>. The key is recorded in its own commit
/// before the request runs, so a concurrent duplicate finds it in progress; the request's change and
/// its answer then commit together, so a crash leaves either both or neither (decision 014).
/// </summary>
public sealed class IdempotentPosts(OneClickDbContext db, WriteGate gate, TimeProvider clock, ILogger<IdempotentPosts> logger)
{
    /// <summary>A key still "in progress" after this long was left by a crash: its request changed nothing.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    /// <param name="execute">Reads, adds or changes entities of <see cref="OneClickDbContext"/> without saving; runs inside one write turn.</param>
    public async Task<(ApiAnswer Answer, bool Replayed)> RunAsync(Shop shop, string? key, HttpRequest request, byte[] body, Func<CancellationToken, Task<ApiAnswer>> execute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shop);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(execute);
        IdempotencyRecord? record = null;
        if (key is not null)
        {
            if (!IdempotencyRecord.IsValidKey(key))
            {
                return (ApiAnswer.Problem(StatusCodes.Status400BadRequest, "invalid-idempotency-key", "Invalid Idempotency-Key",
                    $"Send one Idempotency-Key header of 1 to {IdempotencyRecord.MaxKeyLength} printable ASCII characters without spaces, e.g. a UUID."), false);
            }

            var hash = Hash(request.Method, request.Path.Value ?? "", body);
            await using var claim = await gate.BeginAsync(db, cancellationToken);
            var existing = await db.IdempotencyRecords.SingleOrDefaultAsync(r => r.ShopId == shop.Id && r.Key == key, cancellationToken);
            if (existing is not null && (existing.CreatedAt < Now - IdempotencyRecord.KeptFor || (!existing.IsComplete && existing.CreatedAt < Now - AbandonedAfter)))
            {
                db.IdempotencyRecords.Remove(existing);
                existing = null;
            }

            if (existing is not null)
            {
                if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(existing.RequestHash), Encoding.ASCII.GetBytes(hash)))
                {
                    return (ApiAnswer.Conflict("idempotency-key-reused",
                        "This Idempotency-Key was already used for a request with another body or endpoint. Send a new key with a new request; send the same key only to repeat the same request."), false);
                }

                return existing.IsComplete
                    ? (new ApiAnswer(existing.StatusCode!.Value, existing.ResponseBody!), true)
                    : (ApiAnswer.Conflict("idempotency-key-in-progress",
                        "A request with this Idempotency-Key is still being processed. Send it again in a moment to get its answer."), false);
            }

            record = db.IdempotencyRecords.Add(new IdempotencyRecord(shop.Id, key, hash, Now)).Entity;
            await db.SaveChangesAsync(cancellationToken);
            await claim.CommitAsync(cancellationToken);
        }

        try
        {
            await using var turn = await gate.BeginAsync(db, cancellationToken);
            var answer = await execute(cancellationToken);
            if (record is not null && answer.Retryable)
            {
                db.IdempotencyRecords.Remove(record); // the retry it asks for runs afresh
            }
            else
            {
                record?.Complete(answer.Status, answer.Body, Now);
            }

            await db.SaveChangesAsync(cancellationToken);
            await turn.CommitAsync(cancellationToken);
            return (answer, false);
        }
        catch (Exception ex) when (record is not null)
        {
            // Nothing of the request was committed: free the key so that the merchant's retry runs it.
            logger.LogWarning("API {Path}: the request with an idempotency key failed ({Error}); the key is free again", request.Path.Value, ex.GetType().Name);
            db.ChangeTracker.Clear();
            await db.IdempotencyRecords.Where(r => r.Id == record.Id).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static string Hash(string method, string path, byte[] body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(method.ToUpperInvariant() + " " + path + "\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
