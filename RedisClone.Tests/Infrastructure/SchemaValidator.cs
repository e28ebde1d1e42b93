using System.Diagnostics;

namespace RedisClone.Tests.Infrastructure;

/// <summary>
/// JSON Schema validation with ajv (the validator SchemaStore checks its own schemas' examples with), run by Node.js
/// from RedisClone.Tests/Schemas, where `npm ci` installs it (.ci/run does). The schemas validated against are copies
/// kept in that folder, so a clean clone has them.
/// </summary>
public static class SchemaValidator
{
    public static string Folder => Path.Combine(RepositoryRoot.Path, "RedisClone.Tests", "Schemas");

    /// <summary>Why validation cannot run here, or null when it can.</summary>
    public static string? MissingReason =>
        ExternalTool.Find("node") is null ? "node is not on PATH (install Node.js, then: npm ci --prefix RedisClone.Tests/Schemas)"
        : !File.Exists(Path.Combine(Folder, "node_modules", "ajv", "package.json")) ? "ajv is not installed (npm ci --prefix RedisClone.Tests/Schemas; .ci/run does it)"
        : null;

    /// <summary>The validator's errors for <paramref name="json"/> against Schemas/<paramref name="schemaFile"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Errors(string schemaFile, string json)
    {
        string document = Path.Combine(Path.GetTempPath(), $"redisclone-schema-{Guid.NewGuid():N}.json");
        File.WriteAllText(document, json);
        try
        {
            var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Folder };
            info.ArgumentList.Add(Path.Combine(Folder, "validate.mjs"));
            info.ArgumentList.Add(Path.Combine(Folder, schemaFile));
            info.ArgumentList.Add(document);
            using Process process = Process.Start(info)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill();
                throw new TimeoutException("the schema validator did not finish within 60 s");
            }
            return process.ExitCode switch
            {
                0 => [],
                1 => stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries),
                _ => throw new InvalidOperationException($"the schema validator failed: {NodeProcess.Describe(process.ExitCode, stdout.Result, stderr.Result)}"),
            };
        }
        finally
        {
            File.Delete(document);
        }
    }
}

/// <summary>A fact that is skipped, with the reason shown, when the schema validator is not installed.</summary>
public sealed class RequiresSchemaValidatorFactAttribute : FactAttribute
{
    public RequiresSchemaValidatorFactAttribute()
    {
        Skip = SchemaValidator.MissingReason;
    }
}

/// <summary>A theory that is skipped, with the reason shown, when the schema validator is not installed.</summary>
public sealed class RequiresSchemaValidatorTheoryAttribute : TheoryAttribute
{
    public RequiresSchemaValidatorTheoryAttribute()
    {
        Skip = SchemaValidator.MissingReason;
    }
}
