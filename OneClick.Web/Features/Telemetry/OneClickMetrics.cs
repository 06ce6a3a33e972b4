using System.Diagnostics;
using System.Diagnostics.Metrics;
using OneClick.Core.Orders;
using OneClick.Core.Sales;

namespace OneClick.Web.Features.Telemetry;

/// <summary>
/// What the gateway counts and times for its operators, under the <c>OneClick</c> meter (README
/// "Operating OneClick"). Labels come from small fixed sets (a channel, a result, a reason, a job's
/// name): never a card, a buyer, a token, an order or an address. An instrument nobody listens to
/// costs a branch, so the hot paths record unconditionally.
/// </summary>
public sealed class OneClickMetrics
{
    public const string MeterName = "OneClick";

    /// <summary>Each decline reason's label: its name in snake case, made once for every reason there is (a new one is named too).</summary>
    private static readonly Dictionary<DeclineReason, string> ReasonNames = Enum.GetValues<DeclineReason>()
        .ToDictionary(r => r, r => string.Concat(r.ToString().Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "_") + char.ToLowerInvariant(c) : c.ToString())));

    private readonly Counter<long> ordersStarted;
    private readonly Counter<long> sales;
    private readonly Histogram<double> paymentDuration;
    private readonly Histogram<double> acquirerDuration;
    private readonly Counter<long> postbackDeliveries;
    private readonly Histogram<double> postbackLag;
    private readonly TimeProvider clock;
    private OutboxReading? lastSweep;
    private readonly Counter<long> automaticRefunds;
    private readonly Counter<long> tokensSpent;
    private readonly Counter<long> tokensRefused;
    private readonly Counter<long> rateLimitRefusals;
    private readonly Counter<long> jobRuns;
    private readonly Histogram<double> jobDuration;

    public OneClickMetrics(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(MeterName);
        ordersStarted = meter.CreateCounter<long>("oneclick.orders.started", "{order}", "Orders saved, by channel (startorder, hosted_page, pay_by_link).");
        sales = meter.CreateCounter<long>("oneclick.sales", "{sale}", "Payments answered, by result (approved, declined, unavailable), decline reason and channel (card, saved_card, instant_one_click, contract).");
        paymentDuration = meter.CreateHistogram<double>("oneclick.payment.duration", "s", "From the sale's start to its answer saved, by result and channel; a 3-D Secure challenge's time with the buyer included (three_d_secure=challenged).", advice: Seconds);
        acquirerDuration = meter.CreateHistogram<double>("oneclick.acquirer.duration", "s", "One call to the acquirer, by operation (authorize, authentication, refund) and outcome.", advice: Seconds);
        postbackDeliveries = meter.CreateCounter<long>("oneclick.postback.deliveries", "{attempt}", "Postback attempts, by kind (sale, credit) and outcome (delivered, not_ok, http_error, timeout, refused_address, connection_failed, failed) and whether it was given up.");
        postbackLag = meter.CreateHistogram<double>("oneclick.postback.lag", "s", "From a postback's writing (the sale's approval) to the merchant's OK, by kind.", advice: Seconds);
        meter.CreateObservableGauge("oneclick.outbox.due", ObserveOutboxDue, "{item}", "Postbacks, e-mails and refunds due and not sent, as this node's last outbox sweep counted them within the last minute (retries due included), by kind.");
        automaticRefunds = meter.CreateCounter<long>("oneclick.refunds.automatic", "{refund}", "Refunds booked because a sale's postback was never acknowledged.");
        tokensSpent = meter.CreateCounter<long>("oneclick.tokens.spent", "{token}", "oneClickTokens spent by an instant one-click purchase.");
        tokensRefused = meter.CreateCounter<long>("oneclick.tokens.refused", "{token}", "oneClickTokens that could not pay, by reason (unknown: a guess; not_usable: used, expired, another shop or browser, a card that cannot pay; spent_in_parallel; guesses_limited: not looked up, too many unknown tokens from the client).");
        rateLimitRefusals = meter.CreateCounter<long>("oneclick.rate_limit.refusals", "{request}", "Requests refused by a rate limit, by policy.");
        jobRuns = meter.CreateCounter<long>("oneclick.jobs.runs", "{run}", "Runs of the scheduled jobs, by job and outcome (succeeded, failed).");
        jobDuration = meter.CreateHistogram<double>("oneclick.jobs.duration", "s", "How long a job's run took, by job.", advice: Seconds);
    }

    /// <summary>Bucket bounds for the durations: from a millisecond to a minute (the default ones start at 5 s).</summary>
    private static InstrumentAdvice<double> Seconds { get; } = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60],
    };

    public void OrderStarted(OrderChannel channel) =>
        ordersStarted.Add(1, new KeyValuePair<string, object?>("channel", ChannelName(channel)));

    /// <summary>A payment's answer is saved: counted once per sale, with its time since the sale began.</summary>
    public void SaleAnswered(Order order, Sale sale, TimeSpan took)
    {
        var result = ResultName(sale.Result);
        var channel = ChannelOf(order, sale);
        var tags = new TagList
        {
            { "result", result },
            { "reason", sale.DeclineReason is { } reason ? ReasonName(reason) : "none" },
            { "channel", channel },
        };
        sales.Add(1, tags);
        var timing = new TagList
        {
            { "result", result },
            { "channel", channel },
            { "three_d_secure", sale.ThreeDSecureChallenged ? "challenged" : "none" },
        };
        paymentDuration.Record(Math.Max(0, took.TotalSeconds), timing);
    }

    public void AcquirerAnswered(string operation, string outcome, TimeSpan took) =>
        acquirerDuration.Record(took.TotalSeconds, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));

    public void PostbackAttempted(string kind, string outcome, bool givenUp) =>
        postbackDeliveries.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("given_up", givenUp ? "true" : "false"));

    public void PostbackDelivered(string kind, TimeSpan sinceWritten) =>
        postbackLag.Record(Math.Max(0, sinceWritten.TotalSeconds), new KeyValuePair<string, object?>("kind", kind));

    /// <summary>What an outbox sweep counted: read while it is fresh (Hangfire runs each sweep on one node, any one).</summary>
    public void OutboxDue(int postbacks, int emails, int refunds) =>
        Volatile.Write(ref lastSweep, new OutboxReading(postbacks, emails, refunds, clock.GetUtcNow()));

    public void AutomaticRefundBooked() => automaticRefunds.Add(1);

    public void TokenSpent() => tokensSpent.Add(1);

    public void TokenRefused(string reason) => tokensRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RateLimitRefused(string policy) => rateLimitRefusals.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void JobRan(string job, bool succeeded, TimeSpan took)
    {
        var name = new KeyValuePair<string, object?>("job", job);
        jobRuns.Add(1, name, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));
        jobDuration.Record(took.TotalSeconds, name);
    }

    /// <summary>
    /// The last sweep's counts while under a minute old (the sweep runs every 15 s by default); older,
    /// nothing: a node whose last sweep was long ago would otherwise report its stale backlog for ever.
    /// </summary>
    private IEnumerable<Measurement<long>> ObserveOutboxDue()
    {
        if (Volatile.Read(ref lastSweep) is not { } sweep || clock.GetUtcNow() - sweep.At > TimeSpan.FromMinutes(1))
        {
            yield break;
        }

        yield return new Measurement<long>(sweep.Postbacks, new KeyValuePair<string, object?>("kind", "postback"));
        yield return new Measurement<long>(sweep.Emails, new KeyValuePair<string, object?>("kind", "email"));
        yield return new Measurement<long>(sweep.Refunds, new KeyValuePair<string, object?>("kind", "refund"));
    }

    /// <summary>How the sale was paid, as the operator tells one-click from card entry.</summary>
    public static string ChannelOf(Order order, Sale sale) =>
        sale.InstantOneClick ? "instant_one_click"
        : order.Recurrence == RecurrenceAction.SubsequentPayment ? "contract"
        : sale.OneClickPayment ? "saved_card"
        : "card";

    private static string ChannelName(OrderChannel channel) => channel switch
    {
        OrderChannel.StartOrder => "startorder",
        OrderChannel.HostedPage => "hosted_page",
        OrderChannel.PayByLink => "pay_by_link",
        _ => "other",
    };

    private static string ResultName(SaleResult result) => result switch
    {
        SaleResult.Approved => "approved",
        SaleResult.Declined => "declined",
        SaleResult.Error => "unavailable",
        _ => "pending",
    };

    private static string ReasonName(DeclineReason reason) => ReasonNames.TryGetValue(reason, out var name) ? name : "other";

    private sealed record OutboxReading(int Postbacks, int Emails, int Refunds, DateTimeOffset At);
}
