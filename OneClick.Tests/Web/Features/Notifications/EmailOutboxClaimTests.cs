using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Notifications;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.Notifications;
using OneClick.Web.Features.Postbacks.Commands;

namespace OneClick.Tests.Web.Features.Notifications;

/// <summary>
/// Decision 029 for e-mails: each is claimed in the database before it is sent, so that two nodes
/// never send one, and a dead node's claim lapses after its lease (90 s by default: the 30 s SMTP
/// timeout and a minute) for another to take it over.
/// </summary>
public sealed class EmailOutboxClaimTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(90);
    private readonly GatewayFactory gateway = new GatewayFactory()
        .Set("OneClick:Jobs:Schedules:outbox-sweep", ScheduledJobs.Never); // the test runs the outbox itself

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task SendDueAsync_run_by_two_nodes_at_once_sends_one_email_once()
    {
        var emailId = await AddEmailAsync(claimedBy: null);

        await using var gate = await HeldGate.TakeAsync(gateway);
        var outboxes = Enumerable.Range(0, 2).Select(_ => Task.Run(SendDueAsync)).ToList();
        await gate.UntilQueuedAsync(2); // both read it due and unclaimed
        await gate.ReleaseAsync();
        await Task.WhenAll(outboxes);

        Sends(emailId).ShouldBe(1);
        var email = await EmailAsync(emailId);
        email.State.ShouldBe(EmailState.Sent);
        email.Attempts.ShouldBe(1);
        email.ClaimedUntil.ShouldBeNull();
    }

    [Fact]
    public async Task SendDueAsync_leaves_an_email_claimed_by_a_dead_node_until_its_90_s_lease_ends_then_sends_it_once()
    {
        var held = await AddEmailAsync(claimedBy: Lease);
        var other = await AddEmailAsync(claimedBy: null);

        await SendDueAsync();

        (await EmailAsync(other)).State.ShouldBe(EmailState.Sent);
        (await EmailAsync(held)).State.ShouldBe(EmailState.Pending);
        Sends(held).ShouldBe(0);
        (await SweepAsync()).DueEmails.ShouldBe(0);

        gateway.Clock.Advance(Lease);
        (await SweepAsync()).DueEmails.ShouldBe(1);
        // The sweep also wakes the gateway's own dispatcher, which may claim the e-mail first (CI saw it
        // still pending here): whoever sends it, it goes out once.
        await SendDueAsync();
        await GatewayFactory.EventuallyAsync(async () => (await EmailAsync(held)).State == EmailState.Sent, "the e-mail is sent");
        await SendDueAsync();

        var email = await EmailAsync(held);
        email.State.ShouldBe(EmailState.Sent);
        email.Attempts.ShouldBe(1);
        Sends(held).ShouldBe(1);
    }

    /// <summary>A buyer's e-mail, due now; with <paramref name="claimedBy"/>, claimed now by a node that then died.</summary>
    private async Task<long> AddEmailAsync(TimeSpan? claimedBy)
    {
        var now = gateway.Clock.GetUtcNow().UtcDateTime;
        var email = new OutboxEmail("buyer@example.com", "Receipt", "Thank you", now);
        if (claimedBy is { } lease)
        {
            email.Claim(now, lease);
        }

        await gateway.WithDbAsync(async db =>
        {
            db.OutboxEmails.Add(email);
            return await db.SaveChangesAsync();
        });
        return email.Id;
    }

    private async Task SendDueAsync()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<EmailOutbox>().SendDueAsync(CancellationToken.None);
    }

    private async Task<SweepOutboxOutcome> SweepAsync()
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SweepOutbox>().RunAsync(CancellationToken.None);
    }

    /// <summary>Times the outbox sent the e-mail (written as a file, which a second send would overwrite: so counted in the log).</summary>
    private int Sends(long emailId) => gateway.Logs.Lines.Count(l => l.Contains($"E-mail {emailId} sent", StringComparison.Ordinal));

    private Task<OutboxEmail> EmailAsync(long id) => gateway.WithDbAsync(db => db.OutboxEmails.AsNoTracking().SingleAsync(e => e.Id == id));
}
