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

    private int loadsRunning;
    private bool loadedOnce;

    /// <summary>
    /// A list's grid is loading its rows (a grid may start a second load before the first ends): shown
    /// as a progress bar, never as "nothing found" before the rows come. The database may answer after
    /// the first render: always, on PostgreSQL.
    /// </summary>
    protected bool GridLoading => !loadedOnce || Volatile.Read(ref loadsRunning) > 0;

    /// <summary>A grid's <c>ServerData</c> that keeps <see cref="GridLoading"/> true while <paramref name="load"/> runs.</summary>
    protected Func<MudBlazor.GridState<TRow>, CancellationToken, Task<MudBlazor.GridData<TRow>>> WhileLoading<TRow>(
        Func<MudBlazor.GridState<TRow>, CancellationToken, Task<MudBlazor.GridData<TRow>>> load) => async (state, cancellationToken) =>
    {
        Interlocked.Increment(ref loadsRunning);
        try
        {
            return await load(state, cancellationToken);
        }
        finally
        {
            // Not busy once the grid has shown the rows: the grid takes them in a continuation queued
            // on the renderer when this returns; the yield queues the end behind it.
            _ = InvokeAsync(async () =>
            {
                await Task.Yield();
                Interlocked.Decrement(ref loadsRunning);
                loadedOnce = true;
                StateHasChanged();
            });
        }
    };

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

    /// <summary>
    /// Runs a grid's query for one of its loads. The grid cancels <paramref name="load"/> when it asks
    /// again (another page, order or filter) and takes no answer from it: a load given up on ends here,
    /// even when its answer came, so that it never sets the page's filter, page or address over the newer one.
    /// </summary>
    protected async Task<TResult?> ReadForGridAsync<TOperation, TResult>(Func<TOperation, Task<TResult>> operation, CancellationToken load)
        where TOperation : notnull
    {
        var result = await RunAsync(operation);
        load.ThrowIfCancellationRequested();
        return result;
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
