using Microsoft.AspNetCore.Components.Authorization;
using OneClick.Web.Features.Staff;

namespace OneClick.Web.Features.BackOffice;

/// <summary>
/// The one way an interactive Personal Account page runs a command or a query. A circuit lives for
/// as long as the tab is open, so nothing it calls may live that long: each operation gets a DI
/// scope of its own (its own <c>DbContext</c> and unit of work), acting for the circuit's person, and
/// runs only while that person's session still stands: someone signed out, removed or given another
/// role since the page opened can do nothing more (decision 028).
/// </summary>
public sealed class StaffOperations(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<TResult> RunAsync<TOperation, TResult>(Func<TOperation, Task<TResult>> operation, CancellationToken cancellationToken = default)
        where TOperation : notnull
    {
        var principal = (await authentication.GetAuthenticationStateAsync()).User;
        await using var scope = scopes.CreateAsyncScope();
        var staff = scope.ServiceProvider.GetRequiredService<CurrentStaff>();
        staff.ActFor(principal);
        if (!await staff.IsCurrentAsync(cancellationToken))
        {
            throw new StaffSessionEndedException();
        }

        return await operation(scope.ServiceProvider.GetRequiredService<TOperation>());
    }
}

/// <summary>The person's session ended while their page was open; the page's error boundary asks them to sign in again.</summary>
public sealed class StaffSessionEndedException() : Exception("Your session has ended: you signed out elsewhere, or your access changed. Sign in again to go on.");
