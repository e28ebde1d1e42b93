using System.Diagnostics;
using RedisClone.AppHost.Model;

namespace RedisClone.AppHost.Orchestration;

/// <summary>How run mode starts a project: <c>dotnet &lt;built dll&gt;</c> in the project's folder, with its run-mode environment.</summary>
internal sealed record NodeLaunch(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    public static NodeLaunch For(ProjectResource resource) => new(
        DotnetHost(),
        [resource.Project.TargetPath],
        Path.GetDirectoryName(resource.Project.ProjectPath)!,
        resource.EvaluateEnvironment(AppExecutionContext.Run));

    public ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A pipe rather than the AppHost's terminal: a node never reads the keyboard.
            RedirectStandardInput = true,
            WorkingDirectory = WorkingDirectory,
        };
        foreach (string argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach ((string name, string value) in Environment)
        {
            info.Environment[name] = value;
        }
        return info;
    }

    /// <summary>The dotnet host running this AppHost when there is one (dotnet RedisClone.AppHost.dll), else dotnet on PATH.</summary>
    private static string DotnetHost()
    {
        string? current = System.Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
