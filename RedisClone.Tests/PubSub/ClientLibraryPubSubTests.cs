using System.Diagnostics;
using RedisClone.Tests.Infrastructure;
using StackExchange.Redis;

namespace RedisClone.Tests.PubSub;

/// <summary>Pub/sub as users of StackExchange.Redis (RESP2 and RESP3) and redis-py see it.</summary>
public class ClientLibraryPubSubTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task StackExchange_Redis_receives_channel_and_pattern_messages(RedisProtocol protocol)
    {
        var options = ConfigurationOptions.Parse(node.Endpoint);
        options.Protocol = protocol;
        options.AbortOnConnectFail = true;
        await using ConnectionMultiplexer connection = await ConnectionMultiplexer.ConnectAsync(options);
        ISubscriber subscriber = connection.GetSubscriber();
        string prefix = "se:" + protocol;
        var exact = new List<string>();
        var patterned = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ChannelMessageQueue channelQueue = await subscriber.SubscribeAsync(RedisChannel.Literal(prefix + ":orders"));
        ChannelMessageQueue patternQueue = await subscriber.SubscribeAsync(RedisChannel.Pattern(prefix + ":*"));
        channelQueue.OnMessage(m =>
        {
            lock (exact)
            {
                exact.Add(m.Message!);
            }
        });
        patternQueue.OnMessage(m =>
        {
            lock (patterned)
            {
                patterned.Add(m.Channel + "=" + m.Message);
                if (patterned.Count == 20)
                {
                    done.TrySetResult();
                }
            }
        });

        IDatabase db = connection.GetDatabase();
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(2, await db.PublishAsync(RedisChannel.Literal(prefix + ":orders"), "o" + i));
            Assert.Equal(1, await db.PublishAsync(RedisChannel.Literal(prefix + ":other"), "x" + i));
        }
        await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await WaitForCount(exact, 10);
        lock (exact)
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(i => "o" + i), exact);
        }
        lock (patterned)
        {
            Assert.Equal(10, patterned.Count(p => p.StartsWith(prefix + ":orders=o", StringComparison.Ordinal)));
            Assert.Equal(10, patterned.Count(p => p.StartsWith(prefix + ":other=x", StringComparison.Ordinal)));
        }
        await subscriber.UnsubscribeAllAsync();
    }

    private static async Task WaitForCount(List<string> list, int count)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            lock (list)
            {
                if (list.Count >= count)
                {
                    return;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"only {list.Count} of {count} messages arrived");
            await Task.Delay(10);
        }
    }

    [PythonRedisFact]
    public void Redis_py_subscribes_psubscribes_and_gets_messages()
    {
        string script = """
            import sys, redis
            r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))
            p = r.pubsub()
            p.subscribe('py:chan')
            p.psubscribe('py:*')
            assert p.get_message(timeout=5)['type'] == 'subscribe'
            assert p.get_message(timeout=5)['type'] == 'psubscribe'
            assert r.publish('py:chan', 'hello') == 2
            m1 = p.get_message(timeout=5)
            m2 = p.get_message(timeout=5)
            assert (m1['type'], m1['channel'], m1['data']) == ('message', b'py:chan', b'hello'), m1
            assert (m2['type'], m2['pattern'], m2['channel'], m2['data']) == ('pmessage', b'py:*', b'py:chan', b'hello'), m2
            p.unsubscribe('py:chan')
            assert p.get_message(timeout=5)['type'] == 'unsubscribe'
            print('ok')
            """;
        (int exit, string output) = RunPython(script, node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0 && output.Trim() == "ok", output);
    }

    internal static bool PythonRedisInstalled()
    {
        try
        {
            return RunPython("import redis", "").Exit == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    internal static (int Exit, string Output) RunPython(string script, string argument)
    {
        // Debian's python3 (where python3-redis installs) first; a python3 earlier on PATH may not have the module.
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(argument);
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "python did not finish within 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>Runs only where python3 has the redis module; otherwise the test is skipped and says why.</summary>
public sealed class PythonRedisFactAttribute : FactAttribute
{
    public PythonRedisFactAttribute()
    {
        if (!ClientLibraryPubSubTests.PythonRedisInstalled())
        {
            Skip = "python3 with the redis module (Debian's python3-redis) is not installed; .ci/run installs it";
        }
    }
}
