using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice;

/// <summary>
/// The one way an interactive Personal Account page runs a command or a query. A circuit lives for
/// as long as the tab is open, so nothing it calls may live that long: each operation gets a DI
/// scope of its own (its own <c>DbContext</c> and unit of work), acting for the circuit's person, and
/// runs only while that person's session still stands: someone signed out, removed or given another
/// role since the page opened, or whose page sat idle longer than the sign-in cookie allows, can do
/// nothing more (decision 028).
/// </summary>
public sealed class StaffOperations(IServiceScopeFactory scopes, AuthenticationStateProvider authentication, TimeProvider clock, TimeSpan idleLimit)
{
    private DateTimeOffset? lastOperation;

    /// <summary>For the circuit's DI: the idle limit is the sign-in cookie's own (30 minutes without a request).</summary>
    public StaffOperations(IServiceScopeFactory scopes, AuthenticationStateProvider authentication, TimeProvider clock, IOptionsMonitor<CookieAuthenticationOptions> cookies)
        : this(scopes, authentication, clock, cookies.Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan)
    {
    }

    public async Task<TResult> RunAsync<TOperation, TResult>(Func<TOperation, Task<TResult>> operation, CancellationToken cancellationToken = default)
        where TOperation : notnull
    {
        // A page left open longer than a session may sit idle does nothing more, as a request would not.
        var now = clock.GetUtcNow();
        if (lastOperation is { } last && now - last > idleLimit)
        {
            throw new StaffSessionEndedException();
        }

        var principal = (await authentication.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        var staff = scope.ServiceProvider.GetRequiredService<CurrentStaff>();
        staff.ActFor(principal);
        if (!await staff.IsCurrentAsync(cancellationToken))
        {
            throw new StaffSessionEndedException();
        }

        lastOperation = now;
        return await operation(scope.ServiceProvider.GetRequiredService<TOperation>());
    }
}

/// <summary>The person's session ended while their page was open; the page's error boundary asks them to sign in again.</summary>
public sealed class StaffSessionEndedException() : Exception("Your session has ended: it sat idle too long, you signed out elsewhere, or your access changed. Sign in again to go on.");
