using System.Text.RegularExpressions;
using OneClick.Tests.Infrastructure;

namespace OneClick.Tests.Repository;

/// <summary>
/// What the README promises of CI holds: `.ci/run` compiles every project of the repository (the
/// benchmark too, which no test references) and runs the README's own test command.
/// </summary>
public sealed partial class ContinuousIntegrationTests
{
    [Fact]
    public void Every_project_of_the_repository_is_in_the_solution()
    {
        var solution = File.ReadAllText(RepositoryFolder.PathOf("OneClick.sln"));
        var listed = ProjectLine().Matches(solution).Select(m => m.Groups[1].Value.Replace('\\', '/')).ToHashSet();

        var projects = Directory.GetFiles(RepositoryFolder.Root, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryFolder.Root, p).Replace('\\', '/'))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal));

        projects.ShouldNotBeEmpty();
        projects.ShouldAllBe(p => listed.Contains(p), "a project outside OneClick.sln is built by nobody");
        listed.ShouldContain("OneClick.Benchmarks/OneClick.Benchmarks.csproj");
    }

    [Fact]
    public void Ci_script_builds_the_whole_solution_before_running_the_README_test_command()
    {
        var script = File.ReadAllLines(RepositoryFolder.PathOf(".ci", "run")).Select(l => l.Trim()).ToList();
        var readme = File.ReadAllText(RepositoryFolder.PathOf("README.md"));

        var build = script.FindIndex(l => l.StartsWith("dotnet build OneClick.sln", StringComparison.Ordinal));
        var test = script.FindIndex(l => l.EndsWith("bash scripts/test.sh", StringComparison.Ordinal));
        build.ShouldBeGreaterThanOrEqualTo(0, "CI compiles every project of the solution");
        test.ShouldBeGreaterThan(build);
        readme.ShouldContain("## Test it\n\n```\nbash scripts/test.sh\n```");
    }

    [Fact]
    public void Test_script_runs_the_whole_suite_on_SQLite_then_on_PostgreSQL()
    {
        var script = File.ReadAllLines(RepositoryFolder.PathOf("scripts", "test.sh")).Select(l => l.Trim()).ToList();

        var postgres = script.FindIndex(l => l.StartsWith("if ! bash scripts/postgres.sh", StringComparison.Ordinal));
        var sqlite = script.FindIndex(l => l.StartsWith("dotnet test OneClick.sln 2>&1", StringComparison.Ordinal));
        var onPostgreSql = script.FindIndex(l => l.StartsWith("ONECLICK_TEST_DATABASE=PostgreSql dotnet test OneClick.sln", StringComparison.Ordinal));
        postgres.ShouldBeGreaterThanOrEqualTo(0, "the script starts PostgreSQL itself");
        sqlite.ShouldBeGreaterThan(postgres);
        onPostgreSql.ShouldBeGreaterThan(sqlite);
        script[^1].ShouldBe("[ \"$sqlite\" -eq 0 ] && [ \"$postgres\" -eq 0 ]", "the script fails when either run fails");
    }

    [GeneratedRegex(@"Project\(""\{[^}]+\}""\) = ""[^""]+"", ""([^""]+\.csproj)""")]
    private static partial Regex ProjectLine();
}
