namespace RedisClone.AppHost.Model;

/// <summary>
/// A .NET project run as a process (Aspire's ProjectResource): its endpoints and the callbacks that compute its
/// environment. Run mode and the manifest publisher both read this one description, so they cannot drift apart.
/// </summary>
internal sealed class ProjectResource(string name, IProjectMetadata project)
{
    private readonly List<EndpointAnnotation> _endpoints = [];
    private readonly List<Action<EnvironmentContext>> _environment = [];

    public string Name { get; } = name;

    public IProjectMetadata Project { get; } = project;

    public IReadOnlyList<EndpointAnnotation> Endpoints => _endpoints;

    public ProjectResource WithEndpoint(string endpointName, string scheme, string transport, int targetPort)
    {
        if (_endpoints.Any(e => e.Name == endpointName))
        {
            throw new InvalidOperationException($"{Name} already has an endpoint named {endpointName}");
        }
        _endpoints.Add(new EndpointAnnotation(endpointName, scheme, transport, targetPort));
        return this;
    }

    public EndpointAnnotation GetEndpoint(string endpointName) =>
        _endpoints.FirstOrDefault(e => e.Name == endpointName)
        ?? throw new InvalidOperationException($"{Name} has no endpoint named {endpointName}");

    public EndpointValue Endpoint(string endpointName, EndpointProperty property)
    {
        GetEndpoint(endpointName);
        return new EndpointValue(this, endpointName, property);
    }

    public ProjectResource WithEnvironment(string variable, EnvironmentValue value) =>
        WithEnvironment(context => context.Variables[variable] = value);

    public ProjectResource WithEnvironment(Action<EnvironmentContext> callback)
    {
        _environment.Add(callback);
        return this;
    }

    /// <summary>
    /// Aspire's WithReference(endpoint): the other resource's endpoint URL as service-discovery configuration,
    /// <c>services__&lt;resource&gt;__&lt;endpoint&gt;__0</c> (read by the app as <c>services:&lt;resource&gt;:&lt;endpoint&gt;:0</c>).
    /// </summary>
    public ProjectResource WithReference(ProjectResource other, string endpointName) =>
        WithEnvironment($"services__{other.Name}__{endpointName}__0", other.Endpoint(endpointName, EndpointProperty.Url));

    /// <summary>The environment for <paramref name="executionContext"/>, rendered: real values or manifest placeholders.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EvaluateEnvironment(AppExecutionContext executionContext)
    {
        var context = new EnvironmentContext(executionContext);
        foreach (Action<EnvironmentContext> callback in _environment)
        {
            callback(context);
        }
        return context.Variables.Select(v => KeyValuePair.Create(v.Key, v.Value.Render(executionContext))).ToList();
    }
}
