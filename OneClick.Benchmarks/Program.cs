using OneClick.Benchmarks;
using OneClick.Benchmarks.Floor;

// The floor server is this same program, started by the benchmark with a hidden first argument (README "Benchmark").
if (args is [FloorServer.Argument, .. var floorArguments])
{
    return await FloorServer.RunAsync(floorArguments);
}

// Instant one-click purchases against a real gateway process over loopback HTTP (README "Benchmark").
var options = BenchmarkOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error.Length > 0 ? error + "\n\n" + BenchmarkOptions.Usage : BenchmarkOptions.Usage);
    return error.Length > 0 ? 2 : 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Stop the workers, then let the gateway be stopped and its folder deleted.
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    return await OneClickBenchmark.RunAsync(options, Console.Out, cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
