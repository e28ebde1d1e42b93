using System.Text.Json;

namespace RedisClone.Tests.AppHost;

/// <summary>Scripts that read the Aspire dashboard's resources page as it is rendered.</summary>
public static class DashboardPage
{
    /// <summary>Resource name -> the text of its state cell, for every row of the resources grid.</summary>
    public const string ResourceStates =
        "Object.fromEntries([...document.querySelectorAll('tr.resource-row')]" +
        ".map(r => [r.querySelector('.resource-name-text'), r.querySelector('.state-column-cell')])" +
        ".filter(([n, s]) => n && s).map(([n, s]) => [n.innerText.trim(), s.innerText.trim()]))";

    /// <summary>
    /// True once each of <paramref name="resources"/> reads "Running" in the state column. The column says
    /// "Running (Unhealthy)" until a resource's health checks pass, so "Running" alone is the dashboard's Healthy.
    /// </summary>
    public static string AllRunning(IEnumerable<string> resources) =>
        $"(() => {{ const s = {ResourceStates}; return {JsonSerializer.Serialize(resources)}.every(n => s[n] === 'Running'); }})()";
}
