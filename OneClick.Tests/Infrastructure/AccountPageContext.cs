using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.Staff;

namespace OneClick.Tests.Infrastructure;

/// <summary>
/// bUnit for the Personal Account's interactive pages, as a circuit runs them: MudBlazor's services,
/// a person's principal exactly as their cookie carries it (<see cref="ActAsAsync"/>), and every
/// command and query run by <see cref="StaffOperations"/> in a scope of the real <paramref name="gateway"/>,
/// on its database. Render the page inside <see cref="MudBlazor"/>'s providers: the page's
/// <c>AccountShell</c> holds them. Disposed asynchronously (MudBlazor's services need it).
/// </summary>
public sealed class AccountPageContext : BunitContext
{
    private readonly CircuitPerson person = new();

    static AccountPageContext()
    {
        // A wait re-checks at every render and ends as soon as it holds: the timeout only bounds a
        // failure. bUnit's 1 s is too short for a page whose queries go to PostgreSQL while the whole
        // suite runs in parallel on two cores.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }

    public AccountPageContext(GatewayFactory gateway)
    {
        Gateway = gateway;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<AuthenticationStateProvider>(person);
        Services.AddCascadingAuthenticationState();
        Services.AddAuthorizationCore();
        // The gateway's scopes, not bUnit's (a container's own scope factory cannot be replaced).
        var gatewayScopes = gateway.Services.GetRequiredService<IServiceScopeFactory>();
        var cookies = gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>();
        Services.AddScoped(services => new StaffOperations(gatewayScopes, services.GetRequiredService<AuthenticationStateProvider>(), gateway.Clock, cookies));
        Services.AddLogging();
        // The gateway's clock, which a test moves: what a page shows of time is what its commands see.
        Services.AddSingleton<TimeProvider>(gateway.Clock);
        // As a circuit renders the page once it is live (the renderer is made by the first service asked for: last).
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public GatewayFactory Gateway { get; }

    /// <summary>Makes a person with a role (merchant null for an administrator) and acts as them; returns them.</summary>
    public async Task<StaffUser> ActAsNewAsync(string role, int? merchantId, string? email = null)
    {
        await using var scope = Gateway.Services.CreateAsyncScope();
        var user = await BackOfficeStaff.CreatePersonAsync(Gateway, scope.ServiceProvider, role, merchantId, email);
        await ActAsAsync(user.Email!);
        return user;
    }

    /// <summary>The circuit's person from now on: the principal Identity makes at sign-in (id, roles, security stamp).</summary>
    public async Task ActAsAsync(string email)
    {
        await using var scope = Gateway.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No person {email}.");
        person.Principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<StaffUser>>().CreateAsync(user);
    }

    /// <summary>
    /// Runs an operation as this circuit's person, whatever a page shows them: as a crafted circuit
    /// message would reach the command.
    /// </summary>
    public Task<TResult> RunAsync<TOperation, TResult>(Func<TOperation, Task<TResult>> operation)
        where TOperation : notnull =>
        Services.GetRequiredService<StaffOperations>().RunAsync(operation);

    /// <summary>How many times a list page has loaded its grid here: each load puts its view in the address.</summary>
    public int ListLoads => JSInterop.Invocations.Count(i => i.Identifier == "history.replaceState");

    /// <summary>What a list page last put in the address bar.</summary>
    public string Address => (string)JSInterop.Invocations["history.replaceState"][^1].Arguments[2]!;

    /// <summary>
    /// Opens a list page at <paramref name="url"/> and waits until its grid has loaded and shows its
    /// rows (found by <paramref name="row"/>: by default, cells with a link), or <paramref name="noneMessage"/> when there are none.
    /// </summary>
    public IRenderedComponent<TList> OpenList<TList>(string url, string noneMessage, string row = "table tbody tr td a")
        where TList : IComponent
    {
        var loadsBefore = ListLoads;
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var list = Render<TList>();
        list.WaitForAssertion(() =>
        {
            ListLoads.ShouldBeGreaterThan(loadsBefore, "the grid has loaded");
            // The address is set inside a load, and a grid may start a second load before the first
            // ends: on a database that answers asynchronously (PostgreSQL) it is still busy then.
            list.FindAll("[aria-busy=true]").ShouldBeEmpty("the grid has shown what it loaded");
            (list.FindAll(row).Count > 0 || list.Markup.Contains(noneMessage, StringComparison.Ordinal)).ShouldBeTrue("the grid shows its rows");
        });
        return list;
    }

    /// <summary>Runs an operation as the person with this e-mail, in a new circuit of theirs: as a crafted circuit message would reach the command.</summary>
    public static async Task<TResult> RunAsPersonAsync<TOperation, TResult>(GatewayFactory gateway, string email, Func<TOperation, Task<TResult>> operation)
        where TOperation : notnull
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsAsync(email);
        return await circuit.RunAsync(operation);
    }

    private sealed class CircuitPerson : AuthenticationStateProvider
    {
        public ClaimsPrincipal Principal { get; set; } = new();

        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(Principal));
    }
}
