using System.Threading.Channels;
using Microsoft.AspNetCore.Identity;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice.Account;

/// <summary>
/// "Forgot password" requests, answered at once and handled behind the answer: the request does
/// the same work for an address with an account and without one (it only queues the address), so
/// its time tells no one which addresses have accounts (issue 16). Requests live in memory: a
/// restart forgets the unhandled ones, and the person asks again.
/// </summary>
public sealed class PasswordLinkQueue
{
    private readonly Channel<(string Email, string BaseUri)> channel =
        Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(1000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private int pending;

    /// <summary>Requests queued and not yet handled.</summary>
    public int Pending => Volatile.Read(ref pending);

    /// <summary>Queues a request; a full queue (a flood) drops it, the page reads the same.</summary>
    public void Enqueue(string email, string requestBaseUri)
    {
        Interlocked.Increment(ref pending);
        if (!channel.Writer.TryWrite((email, requestBaseUri)))
        {
            Interlocked.Decrement(ref pending);
        }
    }

    internal ChannelReader<(string Email, string BaseUri)> Reader => channel.Reader;

    internal void Handled() => Interlocked.Decrement(ref pending);
}

/// <summary>Sends the reset e-mails of <see cref="PasswordLinkQueue"/>, one at a time, within the per-address limit.</summary>
public sealed class PasswordLinkSender(PasswordLinkQueue queue, IServiceScopeFactory scopes, ILogger<PasswordLinkSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (email, baseUri) in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(email) is { } user)
                {
                    await scope.ServiceProvider.GetRequiredService<StaffEmails>().SendResetLinkAsync(user, baseUri);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // One failed request must not stop the others: the person can ask again.
                logger.LogError(ex, "A password reset e-mail could not be queued");
            }
            finally
            {
                queue.Handled();
            }
        }
    }
}
