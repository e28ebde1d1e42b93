namespace RedisClone.Tests.Infrastructure;

/// <summary>The clone the tests were built from: the folder above the test binaries that holds RedisClone.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "RedisClone.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"no RedisClone.sln above {AppContext.BaseDirectory}");
    }
}
