using Bunit;
using MudBlazor.Services;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice;
using OneClick.Web.Features.BackOffice.Shell;

namespace OneClick.Tests.Web.Features.BackOffice.Shell;

/// <summary>The message a failed page shows: what to do next, never what went wrong inside.</summary>
public sealed class AccountErrorTests : ComponentTestContext
{
    public AccountErrorTests() => Services.AddMudServices();

    [Fact]
    public void Failure_reads_as_a_plain_message_without_the_exception_or_its_stack()
    {
        InvalidOperationException thrown;
        try
        {
            throw new InvalidOperationException("SELECT secret FROM Sales WHERE CardNumber = 4242424242424242");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var error = Render<AccountError>(p => p.Add(e => e.Error, thrown));

        error.Find("[role=alert]").TextContent.ShouldContain("Something went wrong on our side");
        error.Markup.ShouldNotContain("secret");
        error.Markup.ShouldNotContain("4242");
        error.Markup.ShouldNotContain(" at ");
        error.Markup.ShouldNotContain(nameof(InvalidOperationException));
        error.FindAll("button").Select(b => b.TextContent.Trim()).ShouldContain("Reload the page");
    }

    [Fact]
    public void Ended_session_says_why_and_links_to_sign_in()
    {
        var error = Render<AccountError>(p => p.Add(e => e.Error, new StaffSessionEndedException()));

        error.Find("[role=alert]").TextContent.ShouldContain("Your session has ended");
        error.Find("[role=alert] a").GetAttribute("href").ShouldBe("/account/login");
    }
}
