namespace OneClick.Web.Hosting;

/// <summary>The folder that holds the databases and generated keys, created when missing.</summary>
public sealed class DataDirectory
{
    public DataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string PathOf(string fileName) => System.IO.Path.Combine(Path, fileName);

    public static DataDirectory From(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[$"{OneClickOptions.Section}:DataDirectory"];
        var path = string.IsNullOrWhiteSpace(configured) ? "data" : configured;
        return new DataDirectory(System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(environment.ContentRootPath, path));
    }
}
