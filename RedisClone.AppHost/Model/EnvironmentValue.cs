namespace RedisClone.AppHost.Model;

/// <summary>
/// The value of an environment variable, before the AppHost knows whether it runs the app or describes it: a literal,
/// or a property of an endpoint that becomes a real address in run mode and a placeholder in the manifest.
/// </summary>
internal abstract record EnvironmentValue
{
    public static implicit operator EnvironmentValue(string literal) => new LiteralValue(literal);

    public abstract string Render(AppExecutionContext context);
}

internal sealed record LiteralValue(string Value) : EnvironmentValue
{
    public override string Render(AppExecutionContext context) => Value;
}

/// <summary>The properties of an endpoint that Aspire's manifest placeholders name.</summary>
internal enum EndpointProperty
{
    Url,
    Host,
    Port,
    TargetPort,
}

/// <summary><c>{node2.bindings.gossip.url}</c> in the manifest; <c>http://127.0.0.1:16380</c> when running here.</summary>
internal sealed record EndpointValue(ProjectResource Resource, string EndpointName, EndpointProperty Property) : EnvironmentValue
{
    /// <summary>Run mode binds every node to loopback: nothing leaves the machine.</summary>
    public const string RunModeHost = "127.0.0.1";

    public override string Render(AppExecutionContext context)
    {
        EndpointAnnotation endpoint = Resource.GetEndpoint(EndpointName);
        if (context.IsPublishMode)
        {
            string property = Property switch
            {
                EndpointProperty.Url => "url",
                EndpointProperty.Host => "host",
                EndpointProperty.Port => "port",
                _ => "targetPort",
            };
            return $"{{{Resource.Name}.bindings.{endpoint.Name}.{property}}}";
        }
        string port = endpoint.TargetPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Property switch
        {
            EndpointProperty.Url => $"{endpoint.Scheme}://{RunModeHost}:{port}",
            EndpointProperty.Host => RunModeHost,
            _ => port,
        };
    }
}
