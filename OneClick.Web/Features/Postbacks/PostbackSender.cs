using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OneClick.Core.Postbacks;
using OneClick.Core.Protocol;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.Postbacks;

/// <summary>
/// Sends one postback: GET the stored URL with a fresh <c>X-OneClick-Signature</c>, record the
/// attempt, and move the delivery on (delivered, retry later, or given up and the sale refunded).
/// </summary>
public sealed class PostbackSender(
    OneClickDbContext db,
    IHttpClientFactory httpClients,
    OneClickTokens tokens,
    WriteGate gate,
    RowStatements rows,
    ShopSnapshots shops,
    IOptions<PostbackOptions> options,
    OneClickMetrics metrics,
    TimeProvider clock,
    ILogger<PostbackSender> logger)
{
    public const string HttpClientName = "postbacks";

    /// <summary>Compiled once: sent for every sale. Not tracked: the result is written as a row (<see cref="RowStatements"/>).</summary>
    private static readonly Func<OneClickDbContext, long, CancellationToken, Task<PostbackDelivery?>> DeliveryById =
        EF.CompileAsyncQuery((OneClickDbContext db, long id, CancellationToken _) => db.PostbackDeliveries.AsNoTracking().SingleOrDefault(d => d.Id == id));

    /// <param name="claimedUntil">The claim this node wrote with the sale's commit (handed over), or null for one found in the database.</param>
    /// <returns>Whether giving up booked a refund of the sale.</returns>
    public async Task<bool> SendAsync(long deliveryId, DateTime? claimedUntil, CancellationToken stopping)
    {
        if (await ClaimAsync(deliveryId, claimedUntil, stopping) is not { } delivery)
        {
            return false; // not due, or another node holds it
        }

        // In the payment's trace: the request below carries its traceparent to the merchant.
        using var span = OneClickTraces.StartDelivery(delivery);
        var asRead = rows.Snapshot(db, delivery);
        var shop = await shops.GetAsync(db, delivery.ShopId, stopping);
        var started = Now;
        var stopwatch = Stopwatch.StartNew();
        int? status = null;
        string? body = null;
        string? wholeBody = null;
        string? error = null;
        string? token = null;
        string? failure = null; // what went wrong, as a label (a fixed word)
        try
        {
            token = await TokenOfAsync(delivery, stopping);
            var url = MerchantUrl.SignQuery(token is null ? delivery.Url : MerchantUrl.WithField(delivery.Url, "oneClickToken", token), shop.SigningKey);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation(PostbackSignature.HeaderName, PostbackSignature.Header(shop.SigningKey, MerchantUrl.QueryOf(url), clock.GetUtcNow()));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            (var excerpt, wholeBody) = await ReadAnswerAsync(response, timeout.Token);
            body = WithoutToken(excerpt, token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            error = $"No answer within {options.Value.Timeout.TotalSeconds:0} s";
            failure = "timeout";
        }
        catch (HttpRequestException ex) when (ex.InnerException is PostbackHostRefusedException refused)
        {
            error = refused.Message;
            failure = "refused_address";
        }
        catch (HttpRequestException ex)
        {
            error = ex.HttpRequestError == HttpRequestError.Unknown ? "Request failed" : ex.HttpRequestError.ToString();
            failure = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
                ? "connection_failed"
                : "failed"; // a broken answer: the connection closed mid-body, a malformed response
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // A broken answer (the connection closed mid-body, a malformed response) is a failed
            // attempt like any other: recorded, retried on the schedule, never looped on.
            error = ex.GetType().Name;
            failure = "failed";
        }

        var acknowledged = status is { } code && PostbackAttempt.IsAcknowledgement(code, wholeBody);
        var kind = Kind(delivery);
        var outcome = Outcome(acknowledged, failure, status);
        var attempt = new PostbackAttempt(delivery, started, stopwatch.Elapsed, status, body, error, acknowledged);
        var givenUp = false;
        var refunded = false;
        if (acknowledged)
        {
            delivery.Delivered(Now);
        }
        else
        {
            givenUp = delivery.Failed(shop.RetrySchedule, Now);
        }

        if (givenUp && delivery.Kind == PostbackKind.Sale)
        {
            // Booked in the same transaction as giving up, so that a crash cannot leave an
            // unacknowledged sale unrefunded; the outbox has the acquirer do it.
            var sale = await db.Sales.SingleAsync(s => s.Id == delivery.SaleId, CancellationToken.None);
            if (sale.RefundUnacknowledged(Now) is { } refund)
            {
                db.Refunds.Add(refund);
                refunded = true;
                logger.LogWarning("Postback for sale {SaleId} was never acknowledged: refunding it", delivery.SaleId);
            }
        }

        // A postback result is one of every purchase's write turns: its two rows are written by
        // prepared statements, a refund (rare) by SaveChanges in the same turn. The delivery moves on
        // only while this node's claim stands (its concurrency token): past its lease another node
        // may have taken it over, and then that node's result is the one that counts.
        await using (var write = await gate.BeginAsync(db, CancellationToken.None))
        {
            await rows.InsertAsync(db, attempt, CancellationToken.None);
            var held = await rows.TryUpdateAsync(db, delivery, asRead, CancellationToken.None);
            if (held && givenUp)
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }

            await write.CommitAsync(CancellationToken.None);
            if (!held)
            {
                // The attempt was made, and counts; what became of the delivery is the other node's to say.
                metrics.PostbackAttempted(kind, outcome, givenUp: false);
                logger.LogWarning("Postback {DeliveryId}: its claim ended during the attempt (it lapsed and another node took the postback over, or staff made it due); only the attempt is recorded", delivery.Id);
                return false;
            }
        }

        metrics.PostbackAttempted(kind, outcome, givenUp);
        span?.SetTag("oneclick.postback.outcome", outcome);
        if (acknowledged)
        {
            metrics.PostbackDelivered(kind, Now - delivery.CreatedAt);
        }

        if (refunded)
        {
            metrics.AutomaticRefundBooked();
        }

        logger.LogInformation("Postback {DeliveryId} ({Kind}) for sale {SaleId}, attempt {Attempt}: {Outcome}",
            delivery.Id, delivery.Kind, delivery.SaleId, delivery.Attempts,
            acknowledged ? "OK" : error ?? $"HTTP {status}");
        return refunded;
    }

    /// <summary>The postback's kind as a label.</summary>
    private static string Kind(PostbackDelivery delivery) => delivery.Kind == PostbackKind.Sale ? "sale" : "credit";

    /// <summary>An attempt's outcome as a label: delivered, the way it failed, or the merchant's wrong answer.</summary>
    private static string Outcome(bool acknowledged, string? failure, int? status) =>
        acknowledged ? "delivered" : failure ?? (status is >= 200 and < 300 ? "not_ok" : "http_error");

    /// <summary>
    /// The delivery, claimed by this node for <see cref="PostbackOptions.ClaimLease"/>; null when it is
    /// not due or another node holds it. A claim written with the sale's commit is sent under as it
    /// stands (no write: decision 029's hot path) while enough of it is left, and renewed otherwise. Any
    /// other delivery is claimed by a compare-and-set in a write turn of its own, committed before the
    /// send: of two nodes that read it due, one claims it and the other lets it be.
    /// </summary>
    public async Task<PostbackDelivery?> ClaimAsync(long deliveryId, DateTime? claimedUntil, CancellationToken cancellationToken)
    {
        var delivery = await DeliveryById(db, deliveryId, cancellationToken);
        if (delivery is null)
        {
            return null;
        }

        var now = Now;
        var ours = claimedUntil is { } until && delivery.IsHeldUntil(until, now);
        if (ours && claimedUntil - now >= options.Value.ClaimLeftToSend)
        {
            return delivery;
        }

        var asRead = rows.Snapshot(db, delivery);
        if (ours)
        {
            delivery.RenewClaim(claimedUntil!.Value, now, options.Value.ClaimLease);
        }
        else if (delivery.IsDueAt(now))
        {
            delivery.Claim(now, options.Value.ClaimLease);
        }
        else
        {
            return null;
        }

        await using var write = await gate.BeginAsync(db, cancellationToken);
        // Unchanged since read, the claim included (its concurrency token): a result recorded
        // meanwhile moves the attempts or the next attempt's time.
        if (!await rows.TryUpdateAsync(db, delivery, asRead, cancellationToken, nameof(PostbackDelivery.State), nameof(PostbackDelivery.Attempts), nameof(PostbackDelivery.NextAttemptAt)))
        {
            return null;
        }

        await write.CommitAsync(cancellationToken);
        return delivery;
    }

    /// <summary>
    /// The sale's oneClickToken joins the postback only as it is sent, and the signature with it (it
    /// covers the token): the outbox stores neither, the token being a credential to charge the card.
    /// </summary>
    private async Task<string?> TokenOfAsync(PostbackDelivery delivery, CancellationToken cancellationToken) =>
        delivery.Kind == PostbackKind.Sale ? await tokens.IssuedByAsync(delivery.SaleId, cancellationToken) : null;

    /// <summary>
    /// A merchant's answer may echo the query it got; the token is a credential to charge the card,
    /// so it is not kept in the attempt (shown to staff) where the answer holds it.
    /// </summary>
    internal static string WithoutToken(string excerpt, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return excerpt;
        }

        var redacted = excerpt.Replace(token, "[oneClickToken]", StringComparison.Ordinal);
        var escaped = Uri.EscapeDataString(token);
        return escaped == token ? redacted : redacted.Replace(escaped, "[oneClickToken]", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The answer read to its end, but no further than <see cref="PostbackAttempt.MaxAcknowledgementLength"/>:
    /// a merchant's page need not be downloaded whole. Gives the excerpt the attempt keeps (the first
    /// 1 KB, and a little more so that a token cut at 1 KB is still found whole and taken out) and the
    /// whole body, or null when the answer is longer than that (then it is not <c>OK</c>).
    /// </summary>
    private static async Task<(string Excerpt, string? Whole)> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[PostbackAttempt.MaxAcknowledgementLength + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        var excerpt = Encoding.UTF8.GetString(buffer, 0, Math.Min(read, PostbackAttempt.ExcerptLength + 256));
        return (excerpt, read <= PostbackAttempt.MaxAcknowledgementLength ? Encoding.UTF8.GetString(buffer, 0, read) : null);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
