using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.AppHost;

/// <summary>
/// The Aspire dashboard as a person sees it in a browser (headless chromium): the resources page lists the nodes
/// Running and Healthy, and a PUBLISH on node1 delivered on node3 is one trace on the traces page, as the dashboard's
/// own telemetry API reports it too.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class DashboardBrowserTests(DashboardAppFixture fixture)
{
    // The page is a Blazor app: it renders after its own websocket connects and then fills in as the AppHost streams
    // resource states, so each look polls the DOM under this deadline.
    private const int PageSeconds = 60;

    [RequiresChromiumFact(Timeout = 300_000)]
    public async Task The_resources_page_shows_every_node_Running_and_Healthy()
    {
        await fixture.Browser.NavigateAsync(fixture.Dashboard);
        await fixture.Browser.WaitUntilAsync(DashboardPage.AllRunning(DashboardAppFixture.Nodes), "node1, node2 and node3 Running", PageSeconds);
        // "Running" alone, not "Running (Unhealthy)": the dashboard's Healthy, read as shown.
        JsonObject states = (await fixture.Browser.EvaluateAsync(DashboardPage.ResourceStates))!.AsObject();
        foreach (string node in DashboardAppFixture.Nodes)
        {
            Assert.Equal("Running", (string?)states[node]);
        }
        Assert.Equal("Running", (string?)states["pubsub"]);

        // A click on a node's row opens its details, where the health state is spelled out.
        foreach (string node in DashboardAppFixture.Nodes)
        {
            await fixture.Browser.EvaluateAsync($"document.querySelector('td[aria-label=\"Project: {node}\"]').click()");
            await fixture.Browser.WaitUntilAsync(
                $"document.body !== null && /Project: {node}\\n[\\s\\S]*\\nHealth state\\nHealthy\\n/.test(document.body.innerText)",
                $"{node}'s details with Health state Healthy", PageSeconds);
            string text = await fixture.Browser.TextAsync();
            Assert.Matches($@"Project: {node}\n[\s\S]*\nState\nRunning\nHealth state\nHealthy\n", text);
            Assert.Matches($@"\n{node}_http_/health_200_check\nHealthy", text);
        }
    }

    [RequiresChromiumFact(Timeout = 300_000)]
    public async Task A_publish_on_node1_delivered_on_node3_is_one_trace_on_the_traces_page()
    {
        await AspireAppFixture.WaitForLivePeers(fixture.App, "node1", "node2", "node3");
        await AspireAppFixture.WaitForLivePeers(fixture.App, "node3", "node1", "node2");
        using (RawClient subscriber = RawClient.Connect(AspireAppFixture.RespPort(fixture.App, "node3")))
        using (RawClient publisher = RawClient.Connect(AspireAppFixture.RespPort(fixture.App, "node1")))
        {
            subscriber.Call("SUBSCRIBE", "dashboard:chan");
            publisher.Call("PUBLISH", "dashboard:chan", "from node1");
            Assert.Equal("*3\r\n$7\r\nmessage\r\n$14\r\ndashboard:chan\r\n$10\r\nfrom node1\r\n", subscriber.ReadReply());
        }

        // The dashboard's telemetry API: node3's delivery, then its whole trace (each node exports on its own
        // schedule, so node1's spans may come in after node3's).
        string traceId = "";
        List<DashboardSpan> trace = [];
        await ClusterFixture.WaitUntil(() =>
        {
            traceId = Spans("api/telemetry/spans?resource=node3&limit=1000")
                .FirstOrDefault(s => s.Name == "PUBLISH deliver")?.TraceId ?? "";
            trace = traceId.Length > 0 ? Spans($"api/telemetry/traces/{traceId}") : [];
            return trace.Count >= 3;
        }, "node3's PUBLISH deliver span and the two others of its trace in the dashboard's telemetry", seconds: PageSeconds);
        Assert.Equal(
            ["node1 PUBLISH", "node1 PUBLISH forward", "node3 PUBLISH deliver"],
            trace.OrderBy(s => s.Start).Select(s => $"{s.Service} {s.Name}"));
        DashboardSpan publish = trace.Single(s => s.Name == "PUBLISH");
        DashboardSpan forward = trace.Single(s => s.Name == "PUBLISH forward");
        DashboardSpan deliver = trace.Single(s => s.Name == "PUBLISH deliver");
        Assert.Null(publish.Parent);
        Assert.Equal(publish.SpanId, forward.Parent);
        Assert.Equal(forward.SpanId, deliver.Parent);

        // The traces page lists it as one trace spanning both nodes: two spans on node1, one on node3.
        string shortId = traceId[..7];
        await fixture.Browser.NavigateAsync(new Uri(fixture.Dashboard, "traces"));
        await fixture.Browser.WaitUntilAsync($"document.body !== null && document.body.innerText.includes('node1: PUBLISH {shortId}')",
            $"trace {shortId} in the traces list", PageSeconds);
        Assert.Matches($@"\nnode1: PUBLISH {shortId}\nnode1 \(2\)\nnode3 \(1\)\n", await fixture.Browser.TextAsync());

        // The trace itself: its title, its size, and one row per span, nested in this order.
        await fixture.Browser.NavigateAsync(new Uri(fixture.Dashboard, $"traces/detail/{traceId}"));
        await fixture.Browser.WaitUntilAsync("document.body !== null && document.body.innerText.includes('PUBLISH deliver')",
            "the trace's PUBLISH deliver row", PageSeconds);
        string page = await fixture.Browser.TextAsync();
        Assert.Contains($"node1: PUBLISH {shortId}", page);
        Assert.Matches(@"Resources 2\n", page);
        Assert.Matches(@"Depth 3\n", page);
        Assert.Matches(@"Total spans 3\n", page);
        Assert.Equal(["PUBLISH node1", "PUBLISH forward node1", "PUBLISH deliver node3"],
            SpanRow().Matches(page).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}"));
    }

    // A span row of the trace detail grid as innerText renders it: name, resource, duration.
    [GeneratedRegex(@"(?<=\n)(PUBLISH(?: forward| deliver)?)\n(node\d)\n[\d.]+(?:ms|μs|s)(?=\n|$)")]
    private static partial Regex SpanRow();

    private sealed record DashboardSpan(string Service, string Name, string SpanId, string? Parent, string TraceId, ulong Start);

    // The API answers OTLP JSON: resourceSpans -> resource (service.name) and scopeSpans -> spans.
    private List<DashboardSpan> Spans(string path)
    {
        using HttpResponseMessage response = fixture.Http.GetAsync(new Uri(fixture.Dashboard, path)).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        JsonNode root = JsonNode.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult())!;
        var spans = new List<DashboardSpan>();
        foreach (JsonNode? resourceSpans in root["data"]!["resourceSpans"]!.AsArray())
        {
            string service = resourceSpans!["resource"]!["attributes"]!.AsArray()
                .Single(a => (string?)a!["key"] == "service.name")!["value"]!["stringValue"]!.GetValue<string>();
            foreach (JsonNode? scope in resourceSpans["scopeSpans"]!.AsArray())
            {
                foreach (JsonNode? span in scope!["spans"]!.AsArray())
                {
                    spans.Add(new DashboardSpan(service, (string)span!["name"]!, (string)span["spanId"]!,
                        (string?)span["parentSpanId"], (string)span["traceId"]!,
                        ulong.Parse((string)span["startTimeUnixNano"]!, CultureInfo.InvariantCulture)));
                }
            }
        }
        return spans;
    }
}
