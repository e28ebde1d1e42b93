using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RedisClone.Tests.Infrastructure;

namespace RedisClone.Tests.Observability;

public class MetricsTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private sealed record Reading(string Instrument, double Value, Dictionary<string, object?> Tags);

    [Fact]
    public void Commands_are_counted_by_name_and_outcome_and_the_node_state_is_observable()
    {
        var readings = new ConcurrentBag<Reading>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == node.Server.Metrics.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => readings.Add(new(instrument.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => readings.Add(new(instrument.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => readings.Add(new(instrument.Name, value, ToDictionary(tags))));
        listener.Start();

        using RawClient client = node.Raw();
        client.Call("SET", "metrics:k", "v");
        client.Call("GET", "metrics:k");
        client.Call("SET", "metrics:text", "abc");
        client.Call("INCR", "metrics:text");
        listener.RecordObservableInstruments();

        Assert.Contains(readings, r => r.Instrument == "redisclone.commands" && Equals(r.Tags["db.operation.name"], "GET") && Equals(r.Tags["outcome"], "ok"));
        Assert.Contains(readings, r => r.Instrument == "redisclone.commands" && Equals(r.Tags["db.operation.name"], "INCR") && Equals(r.Tags["outcome"], "error"));
        Assert.Contains(readings, r => r.Instrument == "db.client.operation.duration" && Equals(r.Tags["db.operation.name"], "SET") && r.Value > 0);
        Assert.Contains(readings, r => r.Instrument == "redisclone.keys" && Equals(r.Tags["db.namespace"], "0") && r.Value >= 2);
        Assert.Contains(readings, r => r.Instrument == "redisclone.clients.connected" && r.Value >= 1);
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            result[tag.Key] = tag.Value;
        }
        return result;
    }
}
