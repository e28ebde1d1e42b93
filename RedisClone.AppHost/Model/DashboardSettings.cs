namespace RedisClone.AppHost.Model;

/// <summary>
/// Where the AppHost sends the nodes' telemetry, read from the variables an Aspire AppHost reads: the dashboard's
/// OTLP/gRPC address (ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL, or the older DOTNET_DASHBOARD_OTLP_ENDPOINT_URL), else its
/// OTLP/HTTP address (ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL), the API key (configuration AppHost:OtlpApiKey, as the
/// variable AppHost__OtlpApiKey) and the host environment (DOTNET_ENVIRONMENT, default Production).
/// </summary>
internal sealed record DashboardSettings(string? OtlpEndpoint, string? OtlpProtocol, string? EndpointSource, string? OtlpApiKey, string EnvironmentName)
{
    public static DashboardSettings None { get; } = new(null, null, null, null, "Production");

    public bool IsDevelopment => string.Equals(EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase);

    public static DashboardSettings FromEnvironment(Func<string, string?> variable)
    {
        (string Name, string Protocol)[] sources =
        [
            ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "grpc"),
            ("DOTNET_DASHBOARD_OTLP_ENDPOINT_URL", "grpc"),
            ("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "http/protobuf"),
            ("DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "http/protobuf"),
        ];
        string? endpoint = null;
        string? protocol = null;
        string? source = null;
        foreach ((string name, string candidateProtocol) in sources)
        {
            if (variable(name) is { Length: > 0 } value)
            {
                (endpoint, protocol, source) = (value, candidateProtocol, name);
                break;
            }
        }
        string? apiKey = variable("AppHost__OtlpApiKey") is { Length: > 0 } key ? key : null;
        string environment = variable("DOTNET_ENVIRONMENT") is { Length: > 0 } dotnet ? dotnet
            : variable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } aspnet ? aspnet : "Production";
        return new DashboardSettings(endpoint, protocol, source, apiKey, environment);
    }

    /// <summary>One line for the AppHost's banner: where telemetry goes, or how to send it somewhere.</summary>
    public string Describe() => OtlpEndpoint is null
        ? "telemetry: not exported (set ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:4317 to send it to an Aspire dashboard)"
        : $"telemetry: OTLP ({OtlpProtocol}) to {OtlpEndpoint} (from {EndpointSource}){(OtlpApiKey is null ? "" : ", with the API key of AppHost__OtlpApiKey")}";
}
