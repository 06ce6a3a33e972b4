using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OneClick.Core.Postbacks;

namespace OneClick.Benchmarks.Floor;

/// <summary>
/// The floor's outbox dispatcher: a purchase hands its committed outbox row over at once (a
/// <see cref="Channel{T}"/>), rows left undelivered by an earlier process are read at start, and
/// a row is marked delivered only when the merchant answered OK. The marks are written by one loop,
/// in one transaction for all the answers that came in while it waited for its write turn: a commit
/// (an fsync) per mark would cost as much as the purchases themselves, and the postbacks fell
/// seconds behind them.
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

    /// <summary>At most this many marks in one transaction, so that a write turn stays short.</summary>
    private const int MarksPerTransaction = 512;

    private readonly Channel<PendingPostback> queue = Channel.CreateUnbounded<PendingPostback>();
    private readonly Channel<long> acknowledged = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly FloorDatabase database;
    private readonly FloorOkData okData;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly SocketsHttpHandler handler;
    private readonly HttpClient http;
    private Task[] workers = [];

    public FloorPostbacks(FloorDatabase database, FloorOkData okData, TimeProvider clock, ILogger logger)
    {
        this.database = database;
        this.okData = okData;
        this.clock = clock;
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

        workers = [.. Enumerable.Range(0, Concurrency).Select(_ => Task.Run(SendAsync)), Task.Run(MarkAsync)];
    }

    /// <summary>After the purchase's commit: what the row holds is in hand, so nothing is read again.</summary>
    public void Send(FloorApproval approval, string nextToken) =>
        queue.Writer.TryWrite(new PendingPostback(approval.OutboxId, approval.PostbackUrl, nextToken));

    private async Task SendAsync()
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
        var (url, signatureHeader) = okData.SignedPostback(postback.Url, postback.Token, clock.GetUtcNow());
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
                acknowledged.Writer.TryWrite(postback.OutboxId);
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
            // A refused connection or a broken answer: retried like any failed delivery.
            failure = ex.GetType().Name + ": " + ex.Message;
        }

        logger.LogWarning("Postback {OutboxId} failed ({Failure}); retrying in {Seconds} s", postback.OutboxId, failure, RetryAfter.TotalSeconds);
        _ = RetryLaterAsync(postback);
    }

    private async Task MarkAsync()
    {
        var marks = new List<long>(MarksPerTransaction);
        try
        {
            // Marks a failed transaction kept are tried again even when no new answer comes.
            while (marks.Count > 0 || await acknowledged.Reader.WaitToReadAsync(stopping.Token))
            {
                while (marks.Count < MarksPerTransaction && acknowledged.Reader.TryRead(out var outboxId))
                {
                    marks.Add(outboxId);
                }

                try
                {
                    await database.MarkDeliveredAsync(marks, stopping.Token);
                    marks.Clear();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Kept and tried again with the next ones: the merchant has these postbacks already.
                    logger.LogWarning("Marking {Count} postbacks delivered failed ({Failure}); trying again in {Seconds} s", marks.Count, ex.Message, RetryAfter.TotalSeconds);
                    await Task.Delay(RetryAfter, stopping.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped: unmarked rows stay undelivered, and are sent again (merchants de-duplicate on saleID).
        }
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
