using System.Net;

namespace RedisClone.AppHost.Orchestration;

/// <summary>Asks each running node's /health (ServiceDefaults' endpoint) what it thinks of itself, as Aspire's health column does.</summary>
internal sealed class HealthProbe : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public async Task ProbeAsync(IEnumerable<NodeSupervisor> supervisors, CancellationToken cancel)
    {
        await Task.WhenAll(supervisors.Select(s => ProbeOneAsync(s, cancel))).ConfigureAwait(false);
    }

    private async Task ProbeOneAsync(NodeSupervisor supervisor, CancellationToken cancel)
    {
        if (supervisor.ReadyPid is not int pid)
        {
            return;
        }
        string health;
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(supervisor.HealthUrl, cancel).ConfigureAwait(false);
            string body = (await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false)).Trim();
            // The health checks answer Healthy, Degraded or Unhealthy; anything else is shown as its status code.
            health = body is "Healthy" or "Degraded" or "Unhealthy" ? body
                : response.StatusCode == HttpStatusCode.OK ? "Healthy" : $"Unhealthy ({(int)response.StatusCode})";
        }
        catch (HttpRequestException)
        {
            health = "Unhealthy (no answer)";
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            health = "Unhealthy (timeout)";
        }
        catch (OperationCanceledException)
        {
            return;
        }
        supervisor.SetHealth(pid, health);
    }

    public void Dispose() => _http.Dispose();
}
