namespace OneClick.Tests.Infrastructure;

/// <summary>The repository the tests run from: its root is the folder above the test binaries that holds OneClick.sln.</summary>
public static class RepositoryFolder
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OneClick.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No OneClick.sln above {AppContext.BaseDirectory}");
    }
}
