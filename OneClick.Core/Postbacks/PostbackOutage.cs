namespace OneClick.Core.Postbacks;

/// <summary>
/// When a shop's postback endpoint counts as down rather than blipping: at least
/// <see cref="MinimumFailures"/> attempts in a row without <c>OK</c>, the first of them at least
/// <see cref="MinimumDuration"/> ago. One failed attempt is not worth a warning; a night of them is.
/// </summary>
public static class PostbackOutage
{
    public const int MinimumFailures = 3;

    public static readonly TimeSpan MinimumDuration = TimeSpan.FromMinutes(30);

    /// <param name="failuresInARow">Attempts not answered <c>OK</c> since the shop's last <c>OK</c>.</param>
    /// <param name="failingSince">The first of those attempts.</param>
    public static bool IsOutage(int failuresInARow, DateTime failingSince, DateTime now) =>
        failuresInARow >= MinimumFailures && now - failingSince >= MinimumDuration;
}
