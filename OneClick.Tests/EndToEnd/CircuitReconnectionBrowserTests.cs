using System.Collections.Concurrent;
using Microsoft.Playwright;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.EndToEnd;

/// <summary>
/// A Personal Account page whose connection drops (a train, a laptop lid) tells the person it is
/// reconnecting, and carries on over its circuit once the network is back; the framework's
/// reconnection display keeps within the interactive pages' Content-Security-Policy.
/// </summary>
public sealed class CircuitReconnectionBrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly BackOfficeBrowser site;

    public CircuitReconnectionBrowserTests(BrowserFixture browser) => site = new BackOfficeBrowser(browser);

    public void Dispose() => site.Dispose();

    [Fact]
    public async Task Page_that_loses_its_connection_says_it_is_reconnecting_and_works_again_once_back()
    {
        site.Started();
        var errors = new ConcurrentQueue<string>();
        var page = await site.SignInAsync(BackOfficeBrowser.OwnerEmail, error: errors.Enqueue);
        // The circuit's traffic passes through the test, which can cut it and keep the network away, as
        // a tunnel would: its WebSocket, and the HTTP requests SignalR falls back to (negotiate, long polling).
        var blazor = new System.Text.RegularExpressions.Regex("/_blazor");
        var networkUp = true;
        var sockets = new ConcurrentQueue<IWebSocketRoute>();
        await page.RouteWebSocketAsync(blazor, async socket =>
        {
            if (Volatile.Read(ref networkUp))
            {
                socket.ConnectToServer();
                sockets.Enqueue(socket);
            }
            else
            {
                await socket.CloseAsync(new() { Code = 1006 });
            }
        });
        await page.RouteAsync(blazor, route => Volatile.Read(ref networkUp) ? route.ContinueAsync() : route.AbortAsync("internetdisconnected"));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".mud-layout")).ToHaveAttributeAsync("data-interactive", "true");
        // A mark in the tab's memory: a page loaded again would not have it.
        await page.EvaluateAsync("() => { window.oneClickSameTab = true; }");

        Volatile.Write(ref networkUp, false);
        await sockets.Single().CloseAsync(new() { Code = 1006 });

        await Assertions.Expect(page.GetByText("Rejoining the server...")).ToBeVisibleAsync();
        Volatile.Write(ref networkUp, true);
        // The framework tries again at once a few times, then every few seconds (its own schedule).
        await Assertions.Expect(page.Locator(".components-reconnect-dialog")).ToBeHiddenAsync(new() { Timeout = 60_000 });
        (await page.EvaluateAsync<bool>("() => window.oneClickSameTab === true")).ShouldBeTrue("the page joined its circuit again, without a reload");
        await page.GetByRole(AriaRole.Button, new() { Name = "Dark theme" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Light theme" })).ToBeVisibleAsync();
        // The dropped connection is in the console, as it should be; a policy violation would not be.
        (await BrowserFixture.PolicyViolationsAsync(page)).ShouldBeEmpty("Content-Security-Policy violations");
    }
}
