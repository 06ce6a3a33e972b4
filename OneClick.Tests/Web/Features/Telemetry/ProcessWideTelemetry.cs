namespace OneClick.Tests.Web.Features.Telemetry;

/// <summary>
/// Meters and activity listeners are the process's, not one gateway's: an OpenTelemetry provider in one
/// test gateway hears every gateway's <c>OneClick</c> meter and spans. These tests run alone, after
/// the parallel collections, so that what they read is their own gateway's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTelemetry
{
    public const string Name = "Process-wide telemetry";
}
