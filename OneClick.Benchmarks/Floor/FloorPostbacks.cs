using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OneClick.Core.Postbacks;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// The floor's outbox dispatcher: a purchase hands its committed outbox row over at once (a
/// <see cref="Channel{T}"/>), rows left undelivered by an earlier process are read at start, and
/// a row is marked delivered, in a write transaction of its own, only when the merchant answered OK.
/// </summary>
internal sealed class FloorPostbacks : IAsyncDisposable
{
    /// <summary>Deliveries in flight at once: the gateway's default for one shop (PostbackOptions.PerShopConcurrency).</summary>
    private const int Concurrency = 16;

    /// <summary>How long the merchant has to answer (docs/protocol.md section 5).</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sooner than the protocol's first retry (1 min): the benchmark waits 60 s for the postbacks, and
    /// a merchant that answers nothing but OK should never see a retry anyway.
    /// </summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly Channel<PendingPostback> queue = Channel.CreateUnbounded<PendingPostback>();
    private readonly CancellationTokenSource stopping = new();
    private readonly FloorDatabase database;
    private readonly FloorOkData okData;
    private readonly ILogger logger;
    private readonly SocketsHttpHandler handler;
    private readonly HttpClient http;
    private Task[] workers = [];

    public FloorPostbacks(FloorDatabase database, FloorOkData okData, ILogger logger)
    {
        this.database = database;
        this.okData = okData;
        this.logger = logger;
        handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = Concurrency,
        };
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = 64 * 1024 };
    }

    public void Start()
    {
        foreach (var (outboxId, url, sale) in database.Undelivered())
        {
            queue.Writer.TryWrite(new PendingPostback(outboxId, url, okData.TokenOf(sale)));
        }

        workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>After the purchase's commit: what the row holds is in hand, so nothing is read again.</summary>
    public void Send(FloorApproval approval, string nextToken) =>
        queue.Writer.TryWrite(new PendingPostback(approval.OutboxId, approval.PostbackUrl, nextToken));

    private async Task WorkAsync()
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stopping.Token))
            {
                while (queue.Reader.TryRead(out var postback))
                {
                    await DeliverAsync(postback);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped: what is left stays undelivered in the outbox.
        }
    }

    private async Task DeliverAsync(PendingPostback postback)
    {
        var (url, signatureHeader) = okData.SignedPostback(postback.Url, postback.Token, DateTimeOffset.UtcNow);
        string failure;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation(PostbackSignature.HeaderName, signatureHeader);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            timeout.CancelAfter(AnswerTimeout);
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (PostbackAttempt.IsAcknowledgement((int)response.StatusCode, body))
            {
                await database.MarkDeliveredAsync(postback.OutboxId, CancellationToken.None);
                return;
            }

            failure = $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (OperationCanceledException)
        {
            failure = $"no answer within {AnswerTimeout.TotalSeconds:0} s";
        }
        catch (Exception ex)
        {
            // A refused connection, a broken answer, or the database: retried like any failed delivery.
            failure = ex.GetType().Name + ": " + ex.Message;
        }

        logger.LogWarning("Postback {OutboxId} failed ({Failure}); retrying in {Seconds} s", postback.OutboxId, failure, RetryAfter.TotalSeconds);
        _ = RetryLaterAsync(postback);
    }

    private async Task RetryLaterAsync(PendingPostback postback)
    {
        try
        {
            await Task.Delay(RetryAfter, stopping.Token);
            queue.Writer.TryWrite(postback);
        }
        catch (OperationCanceledException)
        {
            // Stopped: the row stays undelivered in the outbox.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Task.WhenAll(workers);
        http.Dispose();
        handler.Dispose();
        stopping.Dispose();
    }

    /// <summary>An outbox row to send: its URL as stored (unsigned, without the token) and the sale's token.</summary>
    private sealed record PendingPostback(long OutboxId, string Url, string Token);
}
