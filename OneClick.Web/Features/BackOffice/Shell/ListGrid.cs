using MudBlazor;

namespace OneClick.Web.Features.BackOffice.Shell;

/// <summary>What a list page does with its server-paged grid.</summary>
public static class ListGrid
{
    /// <summary>
    /// Loads the grid again from its first page, as a new filter asks: one load, of page one. (A reload
    /// alone asks for the page the grid is on.)
    /// </summary>
    public static Task FromFirstPageAsync<T>(MudDataGrid<T>? grid)
    {
        if (grid is null)
        {
            return Task.CompletedTask;
        }

        if (grid.CurrentPage == 0)
        {
            return grid.ReloadServerData();
        }

        grid.NavigateTo(Page.First);
        return Task.CompletedTask;
    }
}
