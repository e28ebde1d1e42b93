namespace RedisClone.Tests.Infrastructure;

/// <summary>Programs the tests run from PATH (redis-server, redis-cli), found without starting them.</summary>
public static class ExternalTool
{
    /// <summary>The full path of <paramref name="name"/> on PATH, or null when it is not installed.</summary>
    public static string? Find(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Why a test that needs <paramref name="name"/> cannot run, or null when it can.</summary>
    public static string? MissingReason(string name) =>
        Find(name) is null ? $"{name} is not on PATH (install it with: apt-get install -y redis-server redis-tools)" : null;
}

/// <summary>A fact that is skipped, with the reason shown, when a program it needs is not on PATH.</summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(string tool)
    {
        Skip = ExternalTool.MissingReason(tool);
    }
}

/// <summary>A theory that is skipped, with the reason shown, when a program it needs is not on PATH.</summary>
public sealed class RequiresToolTheoryAttribute : TheoryAttribute
{
    public RequiresToolTheoryAttribute(string tool)
    {
        Skip = ExternalTool.MissingReason(tool);
    }
}
