namespace RedisClone.AppHost.Model;

/// <summary>Aspire's WithOtlpExporter: the OTEL_* variables that point a project's OpenTelemetry at the dashboard.</summary>
internal static class OtlpExporterExtensions
{
    public static ProjectResource WithOtlpExporter(this ProjectResource resource, DashboardSettings dashboard, string serviceInstanceId) =>
        resource.WithEnvironment(context =>
        {
            OrderedDictionary<string, EnvironmentValue> env = context.Variables;
            // Written in both modes (Aspire writes these three into every project of a manifest).
            env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true";
            env["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true";
            env["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
            if (context.ExecutionContext.IsPublishMode)
            {
                // Where telemetry goes is the deployment's business (azd and aspirate add their own collector address).
                return;
            }
            // Without a dashboard address nothing is exported: the node then leaves its spans and meters off.
            if (dashboard.OtlpEndpoint is not null)
            {
                env["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpEndpoint;
                env["OTEL_EXPORTER_OTLP_PROTOCOL"] = dashboard.OtlpProtocol!;
            }
            env["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={serviceInstanceId}";
            env["OTEL_SERVICE_NAME"] = resource.Name;
            if (dashboard.OtlpApiKey is not null)
            {
                env["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={dashboard.OtlpApiKey}";
            }
            if (dashboard.IsDevelopment)
            {
                // Short batching delays make the dashboard's pages follow the app closely; every trace is kept.
                env["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
                env["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
                env["OTEL_TRACES_SAMPLER"] = "always_on";
                env["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
            }
        });
}
