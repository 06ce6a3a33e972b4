using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneClick.Tests.Infrastructure;
using OneClick.Web.Persistence;

namespace OneClick.Tests.Web.Persistence;

/// <summary>Commits wait for the disk unless the operator says otherwise (OneClick:Database:Synchronous).</summary>
public sealed class DurabilityTests
{
    private const long Full = 2;
    private const long Normal = 1;

    [SqliteFact]
    public async Task Default_every_connection_commits_with_synchronous_full()
    {
        await using var gateway = new GatewayFactory();

        (await gateway.WithDbAsync(SynchronousAsync)).ShouldBe(Full);
        (await gateway.WithDbAsync(db => WriterSynchronousAsync(gateway, db))).ShouldBe(Full);
        gateway.Logs.All.ShouldNotContain("power cut");
    }

    [SqliteFact]
    public async Task Synchronous_Normal_applies_to_every_connection_and_is_warned_of_at_start()
    {
        await using var gateway = new GatewayFactory().Set("OneClick:Database:Synchronous", "Normal");

        (await gateway.WithDbAsync(SynchronousAsync)).ShouldBe(Normal);
        (await gateway.WithDbAsync(db => WriterSynchronousAsync(gateway, db))).ShouldBe(Normal);
        gateway.Logs.Lines.ShouldContain(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("a power cut can lose the last approved sales", StringComparison.Ordinal));
    }

    [SqliteFact]
    public async Task Synchronous_that_is_not_a_mode_stops_the_start_with_the_setting_named()
    {
        await using var gateway = new GatewayFactory().Set("OneClick:Database:Synchronous", "7");

        var error = Should.Throw<InvalidOperationException>(() => gateway.Services);

        error.Message.ShouldContain("OneClick:Database:Synchronous");
        error.Message.ShouldContain("Full (the default) or Normal");
    }

    /// <summary>On the write gate's connection, which commits every write turn.</summary>
    private static async Task<long> WriterSynchronousAsync(GatewayFactory gateway, OneClickDbContext db)
    {
        var gate = gateway.Services.GetRequiredService<WriteGate>();
        await using var turn = await gate.BeginAsync(db, CancellationToken.None);
        await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> SynchronousAsync(OneClickDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using DbCommand command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA synchronous";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
