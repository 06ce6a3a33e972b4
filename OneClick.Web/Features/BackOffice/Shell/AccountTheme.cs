using MudBlazor;

namespace OneClick.Web.Features.BackOffice.Shell;

/// <summary>
/// The Personal Account's colours and type, light and dark; system fonts, since no page may load fonts
/// from elsewhere. MudBlazor's own status colours (#00c853 green, #ff9800 orange, #f44336 red) and
/// secondary text are too pale for WCAG's 4.5:1 as text on white or on their chips' tint, and its dark
/// theme's purple too dark on grey: these are deeper (lighter in the dark theme) until each passes axe-core
/// with a margin (decision 033).
/// </summary>
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
        PaletteLight = new PaletteLight
        {
            Success = "#256b2a",
            Warning = "#8a5300",
            Error = "#c62828",
            Info = "#1565c0",
            TextSecondary = "rgba(0,0,0,0.62)",
        },
        PaletteDark = new PaletteDark
        {
            // Light colours on the dark greys, so dark text on them when they fill a button or a chip.
            Primary = "#b3acf3",
            PrimaryContrastText = "#1a1a27",
            Success = "#34d399",
            SuccessContrastText = "#1a1a27",
            Error = "#ff9e96",
            ErrorContrastText = "#1a1a27",
            Info = "#7cb8ff",
            InfoContrastText = "#1a1a27",
            WarningContrastText = "#1a1a27",
            TextSecondary = "rgba(255,255,255,0.62)",
            // An alert writes its text in the "darken" shade: on a dark background it must stay as light.
            ErrorDarken = "#ff9e96",
            WarningDarken = "#ffa800",
            SuccessDarken = "#34d399",
            InfoDarken = "#7cb8ff",
            // MudBlazor's striped rows (white at 20%) are so light that even its own body text fails on them.
            TableStriped = "rgba(255,255,255,0.05)",
        },
    };
}
