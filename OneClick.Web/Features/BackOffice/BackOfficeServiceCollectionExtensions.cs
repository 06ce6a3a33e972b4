using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using MudBlazor.Services;
using OneClick.Web.Features.Staff;
using OneClick.Web.Hosting;
using OneClick.Web.Persistence;

namespace OneClick.Web.Features.BackOffice;

public static class BackOfficeServiceCollectionExtensions
{
    /// <summary>The back-office sign-in: ASP.NET Core Identity on the gateway's database, a cookie that expires after inactivity.</summary>
    public static IServiceCollection AddBackOffice(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddIdentityCore<StaffUser>(options =>
            {
                // Long passphrases over composition rules (NIST SP 800-63B).
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                // App codes work once, by the injected clock (issue 16).
                options.Tokens.AuthenticatorTokenProvider = Account.OneTimeAuthenticatorTokenProvider.Name;
            })
            .AddRoles<IdentityRole<int>>()
            .AddUserManager<StaffUserManager>()
            .AddEntityFrameworkStores<OneClickDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddTokenProvider<Account.OneTimeAuthenticatorTokenProvider>(Account.OneTimeAuthenticatorTokenProvider.Name);
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "oneclick_staff";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = configuration.SecureCookies(environment)
                ? CookieSecurePolicy.Always
                : CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/account/login";
            cookie.LogoutPath = "/account/logout";
            cookie.AccessDeniedPath = "/account/denied";
            // A session ends after 30 minutes without a request.
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            cookie.SlidingExpiration = true;
            // Every request: a session ends the moment its person's security stamp changes.
            cookie.Events.OnValidatePrincipal = StaffSessions.ValidateAsync;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicies.SignedIn, policy => policy.RequireAuthenticatedUser().RequireRole(StaffRoles.All))
            .AddPolicy(StaffPolicies.ManageMerchant, policy => policy.RequireRole(StaffRoles.Administrator, StaffRoles.Owner))
            .AddPolicy(StaffPolicies.Administer, policy => policy.RequireRole(StaffRoles.Administrator));
        services.AddScoped<CurrentStaff>();
        // The Personal Account's interactive pages (decision 028): MudBlazor, and one scope per operation.
        services.AddMudServices();
        services.AddScoped<StaffOperations>();
        services.AddScoped<OneClick.Web.Features.Audit.AuditTrail>();
        services.AddScoped<Sales.Queries.SalesListQuery>();
        services.AddScoped<Sales.Queries.SaleDetailQuery>();
        services.AddScoped<Sales.Queries.SalesExportQuery>();
        services.AddScoped<Dashboard.Queries.DashboardQuery>();
        services.AddScoped<Postbacks.Queries.PostbackListQuery>();
        services.AddScoped<Postbacks.Queries.DeliveryDetailQuery>();
        services.AddScoped<Postbacks.Commands.RetryPostback>();
        services.AddScoped<Audit.Queries.AuditLogQuery>();
        services.AddScoped<Staff.Queries.PeopleQuery>();
        services.AddScoped<Staff.Commands.InvitePerson>();
        services.AddScoped<Staff.Commands.RemovePerson>();
        services.AddScoped<Account.StaffEmails>();
        services.AddSingleton<Account.PasswordLinkQueue>();
        services.AddHostedService<Account.PasswordLinkSender>();
        // A password link works for an hour.
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromHours(1));
        services.AddScoped<StaffSeed>();
        Shops.ShopsServiceCollectionExtensions.AddBackOfficeShops(services);
        Administration.AdministrationServiceCollectionExtensions.AddBackOfficeAdministration(services);
        return services;
    }

    /// <summary>
    /// Administrators work with two factors or not at all: until theirs is set up, every back-office
    /// page sends them to the set-up page.
    /// </summary>
    public static IApplicationBuilder UseAdministratorTwoFactor(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/account") && !TwoFactorExempt.Any(p => path.StartsWithSegments(p))
            && context.User.IsInRole(StaffRoles.Administrator)
            && await context.RequestServices.GetRequiredService<UserManager<StaffUser>>().GetUserAsync(context.User) is { TwoFactorEnabled: false })
        {
            context.Response.Redirect("/account/two-factor");
            return;
        }

        await next(context);
    });

    private static readonly string[] TwoFactorExempt = ["/account/two-factor", "/account/login", "/account/login-2fa", "/account/logout", "/account/denied"];

    public static IEndpointRouteBuilder MapBackOffice(this IEndpointRouteBuilder endpoints)
    {
        // A form post (antiforgery checked: it binds the form) so that no link or image can sign anyone out.
        endpoints.MapPost("/account/logout", async ([FromForm] string? returnUrl, HttpContext http, SignInManager<StaffUser> signIn) =>
        {
            // A new stamp ends this person's every session, a copied cookie included, not only this browser's.
            if (await signIn.UserManager.GetUserAsync(http.User) is { } user)
            {
                await signIn.UserManager.UpdateSecurityStampAsync(user);
            }

            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        });
        return endpoints;
    }
}
