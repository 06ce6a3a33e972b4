using Bunit;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Features.BackOffice.Shops;

namespace OneClick.Tests.Web.Features.BackOffice.Shops;

/// <summary>The shops pages as the circuit of the person a bUnit context acts as shows them (one page at a time, as in a tab).</summary>
internal static class ShopSteps
{
    public static async Task<IRenderedComponent<ShopList>> OpenListAsync(AccountPageContext context)
    {
        await context.DisposeComponentsAsync();
        var page = context.Render<ShopList>();
        page.WaitForAssertion(() =>
        {
            page.Button("Create shop").HasAttribute("disabled").ShouldBeFalse();
            // The person's shops are read (every merchant has one at least).
            page.FindAll("tbody tr").ShouldNotBeEmpty();
        });
        return page;
    }

    public static async Task<IRenderedComponent<ShopPage>> OpenShopAsync(AccountPageContext context, int shopId)
    {
        await context.DisposeComponentsAsync();
        var page = context.Render<ShopPage>(p => p.Add(s => s.ShopId, shopId));
        page.WaitForAssertion(() => page.Button("Save settings").HasAttribute("disabled").ShouldBeFalse());
        return page;
    }

    /// <summary>Types a new shop into the creation form (the merchant left as it is) and presses Create shop.</summary>
    public static void CreateShop(IRenderedComponent<ShopList> page, string shopId, string name, string website)
    {
        page.Type("Shop ID", shopId);
        page.Type("Shop name", name);
        page.Type("Shop website URL", website);
        page.Submit("Create shop");
    }

    /// <summary>Once the busy page has answered: its buttons act again.</summary>
    public static void Settled<T>(IRenderedComponent<T> page, string button)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        page.WaitForAssertion(() => page.Button(button).HasAttribute("disabled").ShouldBeFalse());
}
