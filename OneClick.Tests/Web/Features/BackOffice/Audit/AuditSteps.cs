using Bunit;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Audit;

namespace OneClick.Tests.Web.Features.BackOffice.Audit;

/// <summary>The audit log as a person's circuit shows it: its grid loads its rows once live, so they are not in the page's first answer.</summary>
internal static class AuditSteps
{
    /// <summary>Opens the audit log at <paramref name="query"/> in the context's circuit and waits until its grid has loaded.</summary>
    public static IRenderedComponent<AuditLogPage> OpenList(AccountPageContext context, string query = "") =>
        context.OpenList<AuditLogPage>("/account/audit" + query, "No changes recorded", row: "table tbody tr td code");

    /// <summary>The audit log's markup as the person with this e-mail sees it, in a new circuit of theirs.</summary>
    public static async Task<string> ListAsPersonAsync(GatewayFactory gateway, string email, string query = "")
    {
        await using var circuit = new AccountPageContext(gateway);
        await circuit.ActAsAsync(email);
        return OpenList(circuit, query).Markup;
    }
}
