using MudBlazor;

namespace OneClick.Web.Features.BackOffice.Shell;

/// <summary>The Personal Account's colours and type, light and dark; system fonts, since no page may load fonts from elsewhere.</summary>
public static class AccountTheme
{
    public static readonly MudTheme Theme = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
