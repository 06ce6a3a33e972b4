using OneClick.Web.Components;
using OneClick.Web.Features.Api;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Administration;
using OneClick.Web.Features.BackOffice.Customers;
using OneClick.Web.Features.BackOffice.Sales;
using OneClick.Web.Features.Checkout;
using OneClick.Web.Features.Checkout.Localization;
using OneClick.Web.Features.Contracts;
using OneClick.Web.Features.DemoShop;
using OneClick.Web.Features.Health;
using OneClick.Web.Features.Postbacks;
using OneClick.Web.Features.Refunds;
using OneClick.Web.Features.SaleStatus;
using OneClick.Web.Features.Telemetry;
using OneClick.Web.Features.Wallets;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.UseTopLevelAppSettings();
builder.UseDevelopmentUrlUnlessConfigured("http://localhost:5080");
// A built (not published) gateway run outside Development still serves its files (blazor.web.js,
// MudBlazor's, the stylesheets) from the build's manifest; a published one has no such manifest, and
// this does nothing there.
builder.WebHost.UseStaticWebAssets();
builder.CacheFingerprintedFilesOutsideDevelopment();

var options = builder.Configuration.GetSection(OneClickOptions.Section).Get<OneClickOptions>() ?? new OneClickOptions();
var dataDirectory = DataDirectory.From(builder.Configuration, builder.Environment);

builder.Services.Configure<OneClickOptions>(builder.Configuration.GetSection(OneClickOptions.Section));
builder.Services.AddSingleton(dataDirectory);
builder.Services.AddSingleton<TimeProvider>(new MicrosecondClock(TimeProvider.System));
// Static rendering everywhere, except the Personal Account's pages that declare Interactive Server (decision 028).
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMasterKey(builder.Configuration, dataDirectory, options.Database);
// Antiforgery and cookie keys survive restarts, under the master key: in the data folder, or shared by the nodes in PostgreSQL.
builder.Services.AddOneClickDataProtection(dataDirectory, options.Database);
builder.Services.AddPersistence(dataDirectory, builder.Environment, options.Database);
builder.Services.AddScheduling(builder.Configuration);
builder.Services.AddOneClickRateLimiting(options.RateLimits);
builder.Services.AddResponseCompressionOfPages();
builder.Services.AddHealth();
builder.Services.AddTelemetry(builder.Configuration);
builder.Services.AddCheckout();
builder.Services.AddBuyerCulture();
builder.Services.AddOneClick();
builder.Services.AddDemoShop();
builder.Services.AddSaleStatus();
builder.Services.AddScoped<DemoSeed>();
builder.Services.AddPostbacks(builder.Configuration);
builder.Services.AddRefunds();
builder.Services.AddContracts();
builder.Services.AddBackOffice(builder.Configuration, builder.Environment);
builder.Services.AddBackOfficeCustomers();
builder.Services.AddApi();

var app = builder.Build();

await app.InitializeAsync();

// Behind a reverse proxy the operator names, the buyer's address (rate limits) and scheme come from it.
app.UseTrustedForwardedHeaders(options.ForwardedHeaders);
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseResponseCompression();
app.UseSecurityHeaders();
// The operators' metrics port answers /metrics and nothing else; the buyers' ports never answer it.
app.UseMetricsPort();
app.UseBuyerCulture();
app.UseClientErrorMessages();
app.UseCookieSecurity();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAdministratorTwoFactor();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealth();
app.MapStartOrder();
app.MapOrderLanguage();
app.MapSaleStatus();
app.MapApi();
app.MapErrorPage();
app.MapBackOffice();
app.MapBackOfficeSales();
app.MapJobsDashboard();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>The web host; public so that tests can start it.</summary>
public partial class Program;
