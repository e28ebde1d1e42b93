namespace RedisClone.AppHost.Model;

/// <summary>
/// A .NET project the AppHost runs, as Aspire's generated <c>Projects.*</c> classes describe it. The build writes one
/// class per referenced project (obj/.../ProjectMetadata.g.cs), so the paths are those of this clone and configuration.
/// </summary>
internal interface IProjectMetadata
{
    /// <summary>The .csproj: what the manifest names, relative to the manifest's folder.</summary>
    string ProjectPath { get; }

    /// <summary>The built assembly of this configuration: what run mode starts with <c>dotnet</c>.</summary>
    string TargetPath { get; }
}
