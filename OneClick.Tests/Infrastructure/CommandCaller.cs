using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Web.Features.Staff;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// A back-office person who calls commands directly, without a page: each <see cref="Open"/> is one
/// request's services with the person as its signed-in user, the claims a real sign-in gives.
/// </summary>
internal sealed class CommandCaller(GatewayFactory gateway, ClaimsPrincipal principal)
{
    public ClaimsPrincipal Principal => principal;

    public static async Task<CommandCaller> SignedInAsync(GatewayFactory gateway, string role, int? merchantId, string? email = null)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var user = await BackOfficeStaff.CreatePersonAsync(gateway, scope.ServiceProvider, role, merchantId, email);
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<StaffUser>>().CreateAsync(user);
        return new CommandCaller(gateway, principal);
    }

    /// <summary>
    /// A request's scope with this person signed in. Synchronous on purpose: the request's context is
    /// an async-local, which an async method would give back when it returns.
    /// </summary>
    public Request Open()
    {
        var scope = gateway.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext { User = principal, RequestServices = scope.ServiceProvider };
        return new Request(scope);
    }

    public sealed class Request(AsyncServiceScope scope) : IAsyncDisposable
    {
        public IServiceProvider Services => scope.ServiceProvider;

        public T Get<T>()
            where T : notnull => Services.GetRequiredService<T>();

        public OneClickDbContext Db => Get<OneClickDbContext>();

        /// <summary>What a refused command must leave: nothing of its own tracked (the signed-in person may be).</summary>
        public void ShouldTrackNothing() =>
            Db.ChangeTracker.Entries().Select(e => e.Entity.GetType().Name).Where(n => n != nameof(StaffUser)).ShouldBeEmpty();

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }
}
