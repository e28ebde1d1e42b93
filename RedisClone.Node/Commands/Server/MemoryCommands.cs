using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime;
using System.Text;
using RedisClone.Node.Commands.Keys;
using RedisClone.Node.Protocol;
using RedisClone.Node.Storage;

namespace RedisClone.Node.Commands.Server;

/// <summary>
/// MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP. USAGE answers with Redis's own estimate of what the key would
/// cost in Redis 7.0 (jemalloc size classes, sds headers, robj and dictEntry), so sizes compare with redis-server;
/// STATS maps Redis's fields onto the .NET heap, where the node can give a figure at all.
/// </summary>
internal static class MemoryCommands
{
    // Redis 7.0 on 64-bit: sizeof(robj) and sizeof(dictEntry).
    private const long ObjectHeader = 16;
    private const long DictEntry = 24;

    // Redis's PROTO_MBULK_BIG_ARG.
    private const int BigArgument = 32 * 1024;

    public static void Register(CommandBindings t)
    {
        t.AddContainer("memory");
        t.Add("memory|usage", Usage);
        t.Add("memory|stats", Stats);
        t.Add("memory|doctor", Doctor);
        t.Add("memory|malloc-stats", MallocStats);
        t.Add("memory|purge", Purge);
        t.Add("memory|help", Help);
    }

    private static void Usage(CommandContext c)
    {
        for (int i = 3; i < c.Args.Count; i++)
        {
            // SAMPLES only bounds how much of a big collection Redis looks at; the node's estimates are not sampled.
            if (!c.ArgIs(i, "SAMPLES"u8) || i + 1 >= c.Args.Count)
            {
                c.SyntaxError();
                return;
            }
            if (!c.TryInteger(++i, out long samples))
            {
                return;
            }
            if (samples < 0)
            {
                c.SyntaxError();
                return;
            }
        }
        // Like Redis, the key is looked at without counting a hit or a miss or touching its access time.
        int slot = c.Db.Lookup(c.Args[2], touch: false);
        if (slot < 0)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteInteger(KeyBytes(c.Db.KeyAt(slot).Length) + DictEntry + ValueBytes(c.Db.ValueAt(slot), c.Db.EncodingAt(slot)));
    }

    /// <summary>What Redis 7.0's objectComputeSize gives for a value (collections: their own estimate).</summary>
    public static long ValueBytes(object value, StringEncoding encoding) => value switch
    {
        CollectionValue collection => collection.EstimateBytes(),
        // APPEND and SETRANGE grow a string in place, with room to spare as Redis's sds does.
        GrowableString growable => ObjectHeader + Allocation(SdsHeader(growable.Capacity) + growable.Capacity + 1),
        byte[] bytes => KeyCommands.EncodingOf(bytes, encoding) switch
        {
            "int" => ObjectHeader,
            // robj and sds in one allocation, always with the 3-byte header of sdshdr8.
            "embstr" => Allocation(ObjectHeader + 3 + bytes.Length + 1),
            // Redis reads an argument of 32 KB or more straight into a query buffer sized for it and its CRLF, and keeps
            // that buffer as the value.
            _ when encoding == StringEncoding.Auto && bytes.Length >= BigArgument => ObjectHeader + Allocation(SdsHeader(bytes.Length + 2) + bytes.Length + 3),
            _ => ObjectHeader + Allocation(SdsHeader(bytes.Length) + bytes.Length + 1),
        },
        _ => throw new InvalidOperationException($"unknown value kind {value.GetType().Name}"),
    };

    /// <summary>A key's sds (keys are copied with sdsdup, so the smallest header that fits).</summary>
    public static long KeyBytes(int length) => Allocation(SdsHeader(length) + length + 1);

    /// <summary>sds header bytes for a string of <paramref name="length"/>: sdshdr5 below 32 (sdshdr8 when empty), then 8, 16, 32, 64.</summary>
    private static long SdsHeader(long length) => length switch
    {
        0 => 3,
        < 32 => 1,
        < 256 => 3,
        < 65536 => 5,
        <= uint.MaxValue => 9,
        _ => 17,
    };

    /// <summary>
    /// jemalloc's size class for a request of <paramref name="size"/> bytes: 8, then multiples of 16 up to 128, then
    /// four classes per doubling (160, 192, 224, 256, 320 ...).
    /// </summary>
    public static long Allocation(long size)
    {
        if (size <= 8)
        {
            return 8;
        }
        if (size <= 128)
        {
            return (size + 15) & ~15L;
        }
        int log2 = 63 - BitOperations.LeadingZeroCount((ulong)(size - 1));
        long step = 1L << (log2 - 2);
        return (size + step - 1) & ~(step - 1);
    }

    /// <summary>
    /// Redis's MEMORY STATS fields, in Redis's order. "Allocated" is the managed heap in use, "active" the heap the GC
    /// holds, "resident" the memory it has committed, rss the process's working set. The node has no replication
    /// backlog, AOF buffer, scripts or functions (0), and its gossip links' buffers are not counted (cluster.links 0).
    /// </summary>
    private static void Stats(CommandContext c)
    {
        NodeServer server = c.Server;
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        long allocated = GC.GetTotalMemory(forceFullCollection: false);
        using Process process = Process.GetCurrentProcess();
        long rss = process.WorkingSet64;
        long peak = Math.Max(process.PeakWorkingSet64, allocated); // INFO's used_memory_peak
        long startup = Math.Min(server.StartupAllocated, allocated);
        long clients = server.Clients.All.Sum(client => client.QueryBufferLength + client.PendingOutputBytes);
        var databases = new List<(int Index, long Main)>();
        long keys = 0;
        long overhead = startup + clients;
        for (int i = 0; i < c.Keyspace.Count; i++)
        {
            Database db = c.Keyspace[i];
            if (db.Count == 0)
            {
                continue;
            }
            keys += db.Count;
            databases.Add((i, db.TableBytes));
            overhead += db.TableBytes;
        }
        long net = allocated - startup;
        long dataset = Math.Max(0, allocated - overhead);
        long active = Math.Max(gc.HeapSizeBytes, allocated);
        long resident = Math.Max(gc.TotalCommittedBytes, active);

        RespWriter reply = c.Reply;
        reply.WriteMapHeader(27 + databases.Count);
        Field(reply, "peak.allocated", peak);
        Field(reply, "total.allocated", allocated);
        Field(reply, "startup.allocated", startup);
        Field(reply, "replication.backlog", 0);
        Field(reply, "clients.slaves", 0);
        Field(reply, "clients.normal", clients);
        Field(reply, "cluster.links", 0);
        Field(reply, "aof.buffer", 0);
        Field(reply, "lua.caches", 0);
        Field(reply, "functions.caches", 0);
        foreach ((int index, long main) in databases)
        {
            reply.WriteBulk("db." + index.ToString(CultureInfo.InvariantCulture));
            reply.WriteMapHeader(3);
            Field(reply, "overhead.hashtable.main", main);
            // A key's due time lives in its entry of the main table: there is no separate table of expires.
            Field(reply, "overhead.hashtable.expires", 0);
            Field(reply, "overhead.hashtable.slot-to-keys", 0);
        }
        Field(reply, "overhead.total", overhead);
        Field(reply, "keys.count", keys);
        Field(reply, "keys.bytes-per-key", keys == 0 ? 0 : net / keys);
        Field(reply, "dataset.bytes", dataset);
        Ratio(reply, "dataset.percentage", net <= 0 ? 0 : dataset * 100f / net);
        Ratio(reply, "peak.percentage", peak == 0 ? 0 : allocated * 100f / peak);
        Field(reply, "allocator.allocated", allocated);
        Field(reply, "allocator.active", active);
        Field(reply, "allocator.resident", resident);
        Ratio(reply, "allocator-fragmentation.ratio", allocated == 0 ? 0 : (float)active / allocated);
        Field(reply, "allocator-fragmentation.bytes", active - allocated);
        Ratio(reply, "allocator-rss.ratio", active == 0 ? 0 : (float)resident / active);
        Field(reply, "allocator-rss.bytes", resident - active);
        Ratio(reply, "rss-overhead.ratio", resident == 0 ? 0 : (float)rss / resident);
        Field(reply, "rss-overhead.bytes", rss - resident);
        Ratio(reply, "fragmentation", allocated == 0 ? 0 : (float)rss / allocated);
        Field(reply, "fragmentation.bytes", rss - allocated);
    }

    private static void Field(RespWriter reply, string name, long value)
    {
        reply.WriteBulk(name);
        reply.WriteInteger(value);
    }

    // Redis keeps these ratios as floats and replies with the float widened to a double.
    private static void Ratio(RespWriter reply, string name, float value)
    {
        reply.WriteBulk(name);
        reply.WriteDouble(value);
    }

    private static void Doctor(CommandContext c)
    {
        long allocated = GC.GetTotalMemory(forceFullCollection: false);
        using Process process = Process.GetCurrentProcess();
        long rss = process.WorkingSet64;
        long peak = process.PeakWorkingSet64;
        var issues = new List<string>();
        if (peak > 2 * rss && peak - rss > 256L * 1024 * 1024)
        {
            issues.Add($" * Peak memory: the process once used {ServerCommands.Human(peak)}, more than twice what it uses now ({ServerCommands.Human(rss)}).");
        }
        if (allocated > 0 && rss > 4 * allocated && rss - allocated > 256L * 1024 * 1024)
        {
            issues.Add($" * High overhead: the process holds {ServerCommands.Human(rss)} for {ServerCommands.Human(allocated)} of live managed data; MEMORY PURGE compacts the heap and returns what is free.");
        }
        long outputs = c.Server.Clients.All.Sum(client => client.PendingOutputBytes);
        if (outputs > 64L * 1024 * 1024)
        {
            issues.Add($" * Client output buffers hold {ServerCommands.Human(outputs)}: some clients read their replies slowly (CLIENT LIST omem).");
        }
        string report = issues.Count == 0
            ? "Hi Sam, I found no memory issue in this instance.\n"
            : "Hi Sam, I found these memory issues:\n\n" + string.Join('\n', issues) + "\n";
        c.Reply.WriteVerbatim(report);
    }

    /// <summary>The node's allocator is the .NET GC: its own figures, as text.</summary>
    private static void MallocStats(CommandContext c)
    {
        GCMemoryInfo gc = GC.GetGCMemoryInfo();
        var text = new StringBuilder();
        text.Append("___ Begin .NET GC statistics ___\n");
        text.Append(CultureInfo.InvariantCulture, $"server GC: {GCSettings.IsServerGC}, latency mode: {GCSettings.LatencyMode}\n");
        text.Append(CultureInfo.InvariantCulture, $"allocated (live and not yet collected): {GC.GetTotalMemory(false)}\n");
        text.Append(CultureInfo.InvariantCulture, $"heap size: {gc.HeapSizeBytes}\n");
        text.Append(CultureInfo.InvariantCulture, $"committed: {gc.TotalCommittedBytes}\n");
        text.Append(CultureInfo.InvariantCulture, $"fragmented: {gc.FragmentedBytes}\n");
        text.Append(CultureInfo.InvariantCulture, $"total allocated since start: {GC.GetTotalAllocatedBytes()}\n");
        text.Append(CultureInfo.InvariantCulture, $"collections: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}\n");
        text.Append(CultureInfo.InvariantCulture, $"pause time: {GC.GetTotalPauseDuration().TotalMilliseconds:F1} ms\n");
        text.Append("--- End .NET GC statistics ---\n");
        c.Reply.WriteVerbatim(text.ToString());
    }

    /// <summary>Like Redis's jemalloc purge: a full compacting collection that gives free memory back to the system.</summary>
    private static void Purge(CommandContext c)
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        c.Reply.WriteOk();
    }

    private static void Help(CommandContext c) => HelpText.Write(c, "MEMORY",
        "DOCTOR", "    Return memory problems reports.",
        "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
        "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS", "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).");
}
