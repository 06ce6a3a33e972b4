using System.Diagnostics;
using OneClick.Core;
using OneClick.Core.Acquiring;

namespace OneClick.Web.Features.Telemetry;

/// <summary>
/// The acquirer as the gateway calls it: each call a span of its own and a time in
/// <c>oneclick.acquirer.duration</c>, by operation and outcome. Nothing of the request (the card) is
/// put on either.
/// </summary>
public sealed class MeasuredAcquirer(IAcquirer acquirer, OneClickMetrics metrics) : IAcquirer
{
    public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken) =>
        MeasureAsync("authorize", () => acquirer.AuthorizeAsync(request, cancellationToken), OutcomeOf);

    public Task<AuthorizationResult> CompleteAuthenticationAsync(string transactionId, bool authenticated, CancellationToken cancellationToken) =>
        MeasureAsync("authentication", () => acquirer.CompleteAuthenticationAsync(transactionId, authenticated, cancellationToken), OutcomeOf);

    public Task<RefundResult> RefundAsync(string transactionId, Money amount, string idempotencyKey, CancellationToken cancellationToken) =>
        MeasureAsync("refund", () => acquirer.RefundAsync(transactionId, amount, idempotencyKey, cancellationToken), r => r is RefundResult.Refunded ? "refunded" : "failed");

    private static string OutcomeOf(AuthorizationResult result) => result switch
    {
        AuthorizationResult.Approved => "approved",
        AuthorizationResult.Declined => "declined",
        AuthorizationResult.ChallengeRequired => "challenge",
        _ => "unavailable",
    };

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> call, Func<T, string> outcomeOf)
    {
        using var span = OneClickTraces.Start("acquirer " + operation, ActivityKind.Client);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await call();
            outcome = outcomeOf(result);
            return result;
        }
        finally
        {
            metrics.AcquirerAnswered(operation, outcome, Stopwatch.GetElapsedTime(started));
            span?.SetTag("oneclick.acquirer.outcome", outcome);
            if (outcome == "error")
            {
                span?.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
