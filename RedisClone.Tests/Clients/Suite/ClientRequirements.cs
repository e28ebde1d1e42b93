using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Clients.Suite;

/// <summary>Why a client scenario cannot run here (a missing program or package), or null when it can.</summary>
public static class ClientRequirements
{
    public static string? NodePackagesMissing()
    {
        if (ExternalTool.Find("node") is null)
        {
            return "node is not on PATH (install Debian's nodejs; .ci/run does)";
        }
        foreach (string package in (string[])["ioredis", "redis"])
        {
            if (!Directory.Exists(RepositoryPaths.Clients("node", "node_modules", package)))
            {
                return $"clients/node/node_modules/{package} is missing: run `npm ci` in clients/node (.ci/run does)";
            }
        }
        return null;
    }
}

/// <summary>A theory over the node.js client libraries, skipped with the reason when node or the packages are missing.</summary>
public sealed class RequiresNodeClientsTheoryAttribute : TheoryAttribute
{
    public RequiresNodeClientsTheoryAttribute()
    {
        Skip = ClientRequirements.NodePackagesMissing();
    }
}
