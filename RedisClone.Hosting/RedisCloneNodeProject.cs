using System.Reflection;

namespace Aspire.Hosting;

/// <summary>
/// The RedisClone.Node project this library was built beside (its path is recorded at build time), as Aspire's own
/// generated <c>Projects.*</c> classes describe a project. It is built with this library, so DCP runs it as built
/// (<c>dotnet run --no-build</c>) instead of building it again once per node, at the same time.
/// </summary>
internal sealed class RedisCloneNodeProject : IProjectMetadata
{
    public string ProjectPath { get; } =
        typeof(RedisCloneNodeProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RedisClone.NodeProject")?.Value
        ?? throw new InvalidOperationException("RedisClone.Hosting does not know where RedisClone.Node is (its build records it).");

    public bool SuppressBuild => true;
}
