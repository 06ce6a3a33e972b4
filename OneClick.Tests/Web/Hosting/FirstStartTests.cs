using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Core.Cards;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Web.Hosting;

/// <summary>The first five minutes (issue 17): a fresh gateway says nothing alarming that is not meant.</summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task Fresh_gateway_logs_no_warning_but_the_generated_master_key_once()
    {
        await using var gateway = new GatewayFactory();
        var client = gateway.CreatePlainClient();

        (await client.GetAsync("/account/login")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The card vault and the key ring share the one master key: loaded, and warned about, once.
        gateway.Services.GetRequiredService<CardVault>().ShouldNotBeNull();

        var warnings = gateway.Logs.Lines
            .Where(line => line.StartsWith("Warning ", StringComparison.Ordinal) || line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal))
            .ToList();
        if (TestDatabase.IsPostgreSql)
        {
            // Nodes of one PostgreSQL gateway must share a configured key: none is generated.
            warnings.ShouldBeEmpty();
        }
        else
        {
            warnings.ShouldHaveSingleItem().ShouldStartWith("Warning OneClick.MasterKey: Card numbers are encrypted under a generated key in ");
        }
    }
}
