namespace RedisClone.AppHost.Model;

/// <summary>The resources of the app, in the order they were added (Aspire's DistributedApplicationModel).</summary>
internal sealed class AppModel
{
    private readonly List<ProjectResource> _resources = [];

    public IReadOnlyList<ProjectResource> Resources => _resources;

    public ProjectResource AddProject(string name, IProjectMetadata project)
    {
        if (_resources.Any(r => r.Name == name))
        {
            throw new InvalidOperationException($"a resource named {name} already exists");
        }
        var resource = new ProjectResource(name, project);
        _resources.Add(resource);
        return resource;
    }
}
