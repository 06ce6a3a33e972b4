using Microsoft.AspNetCore.Components;

namespace OneClick.Web.Features.BackOffice.Shell;

/// <summary>
/// An interactive Personal Account page. Its commands and queries run through <see cref="RunAsync"/>,
/// which gives each its own scope (<see cref="StaffOperations"/>) and turns a failure into the
/// readable message its <see cref="AccountShell"/> shows in place of the page: an exception thrown in
/// the page's own lifecycle or handlers would pass the shell's error boundary, which guards only what
/// the page renders, and end the circuit with it.
/// </summary>
public abstract class AccountPage : ComponentBase
{
    [Inject]
    private StaffOperations Operations { get; set; } = default!;

    [Inject]
    private ILogger<AccountPage> Log { get; set; } = default!;

    /// <summary>
    /// Whether the circuit has taken the page over. Until then its fields and buttons are disabled: the
    /// prerendered page cannot act, and what a person typed into it would be replaced.
    /// </summary>
    protected bool Live => RendererInfo.IsInteractive;

    /// <summary>What stopped the page, for its shell to show; null while all is well.</summary>
    protected Exception? Failure { get; private set; }

    /// <summary>Whether a change of <see cref="OneAtATimeAsync"/> is running: the page's buttons wait for it.</summary>
    protected bool Busy { get; private set; }

    /// <summary>
    /// Runs a change unless one is running already, from the first click on: a second click while a
    /// confirmation dialog is open must not open another, nor run the change twice.
    /// </summary>
    protected async Task OneAtATimeAsync(Func<Task> change)
    {
        if (Busy)
        {
            return;
        }

        Busy = true;
        try
        {
            await change();
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>Runs one operation for this page's person; default when it failed (<see cref="Failure"/> says why).</summary>
    protected async Task<TResult?> RunAsync<TOperation, TResult>(Func<TOperation, Task<TResult>> operation)
        where TOperation : notnull
    {
        try
        {
            return await Operations.RunAsync(operation);
        }
        catch (StaffSessionEndedException ended)
        {
            Log.LogInformation("An operation of {Page} was refused: the person's session has ended.", GetType().Name);
            Failure = ended;
        }
        catch (OperationCanceledException)
        {
            // Its caller gave up on it (a grid asking again before the last answer came): not a failure.
            throw;
        }
        catch (Exception failure) when (failure is not NavigationException)
        {
            Log.LogError(failure, "An operation of {Page} failed.", GetType().Name);
            Failure = failure;
        }

        // A grid's own load re-renders only the grid: the shell must show the failure.
        StateHasChanged();
        return default;
    }
}
