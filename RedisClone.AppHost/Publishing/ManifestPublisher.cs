using System.Text.Encodings.Web;
using System.Text.Json;
using RedisClone.AppHost.Model;

namespace RedisClone.AppHost.Publishing;

/// <summary>
/// Writes the app model as an Aspire manifest (schema aspire-8.0): one project.v0 per resource, with its environment
/// in publish mode (placeholders that azd or aspirate resolve) and its endpoints as bindings. The output is
/// deterministic (model order, 2-space indent, \n line ends, trailing newline) so the repository can keep a copy.
/// </summary>
internal static class ManifestPublisher
{
    public const string SchemaUrl = "https://json.schemastore.org/aspire-8.0.json";

    /// <summary>The file Aspire writes when <c>--output-path</c> names a folder.</summary>
    public const string DefaultFileName = "aspire-manifest.json";

    /// <summary>Writes the manifest to <paramref name="outputPath"/> (a file, or a folder to write aspire-manifest.json in); returns the file written.</summary>
    public static string Publish(AppModel model, string outputPath)
    {
        string file = Path.GetFullPath(Directory.Exists(outputPath) ? Path.Combine(outputPath, DefaultFileName) : outputPath);
        string folder = Path.GetDirectoryName(file)!;
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(file, Render(model, folder));
        return file;
    }

    /// <summary>The manifest's bytes; project paths are written relative to <paramref name="manifestFolder"/>.</summary>
    public static byte[] Render(AppModel model, string manifestFolder)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.Default };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUrl);
            json.WriteStartObject("resources");
            foreach (ProjectResource resource in model.Resources)
            {
                WriteProject(json, resource, manifestFolder);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteProject(Utf8JsonWriter json, ProjectResource resource, string manifestFolder)
    {
        json.WriteStartObject(resource.Name);
        json.WriteString("type", "project.v0");
        json.WriteString("path", Path.GetRelativePath(manifestFolder, resource.Project.ProjectPath).Replace('\\', '/'));
        json.WriteStartObject("env");
        foreach ((string name, string value) in resource.EvaluateEnvironment(AppExecutionContext.Publish))
        {
            json.WriteString(name, value);
        }
        json.WriteEndObject();
        json.WriteStartObject("bindings");
        foreach (EndpointAnnotation endpoint in resource.Endpoints)
        {
            json.WriteStartObject(endpoint.Name);
            json.WriteString("scheme", endpoint.Scheme);
            json.WriteString("protocol", EndpointAnnotation.Protocol);
            json.WriteString("transport", endpoint.Transport);
            // "port" is written only when it differs from targetPort, and "external" only when true: neither applies.
            json.WriteNumber("targetPort", endpoint.TargetPort);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
