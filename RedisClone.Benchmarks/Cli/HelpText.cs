namespace RedisClone.Benchmarks.Cli;

public static class HelpText
{
    public const string Text = """
        RedisClone.Benchmarks: load tools that speak RESP over raw sockets to any Redis-compatible server
        (Redis, Garnet, RedisClone). Run it in Release:

          dotnet run -c Release --project RedisClone.Benchmarks -- pubsub [options]
          dotnet run -c Release --project RedisClone.Benchmarks -- idle --idle-connections N [options]

        pubsub mode: subscribers and publishers on separate connections. Every subscription is confirmed before the
        first PUBLISH; at the end the tool waits for deliveries to drain. Each payload carries its send time, the
        publisher id and a per-publisher sequence, so the subscribers measure publish-to-delivery latency and count
        lost, duplicated and out-of-order messages per (publisher, subscriber) pair. A progress line goes to stderr
        every second; the last line on stdout is one machine-readable SUMMARY line.

          --publish-endpoints host:port,...   servers the publishers connect to, round-robin   [127.0.0.1:6379]
          --subscribe-endpoints host:port,... servers the subscribers connect to, round-robin  [the publish endpoints]
          --endpoints host:port,...           both of the above
          --subscribers N                     subscriber connections                           [50]
          --channels C                        subscriber i subscribes to channel i % C           [10]
          --patterns                          PSUBSCRIBE to a pattern matching only that channel instead of SUBSCRIBE
          --publishers P                      publisher connections; each publishes to the channels round-robin [2]
          --pipeline K                        PUBLISH commands in flight per publisher          [16]
          --messages M                        messages in total, split over the publishers     [100000]
          --size B                            payload bytes (at least 20: time, publisher id, sequence) [64]
          --rate R                            total messages per second, paced on a fixed schedule (~1 ms steps);
                                              0 publishes as fast as the pipeline allows        [0]
          --duration-limit S                  stop publishing after S seconds (0: no limit); what was published
                                              is still drained and counted                      [0]
          --drain-timeout S                   stop waiting for deliveries after S seconds without one [10]
          --setup-timeout S                   seconds allowed for connecting and confirming subscriptions [60]
          --channel-prefix TEXT               channels are TEXT:<c>:feed, patterns TEXT:<c>:*  [bench]
          --progress-interval S               seconds between progress lines on stderr (0: none) [1]
          --reader-threads T                  threads reading the subscriber sockets with epoll (Linux); 0 uses
                                              async socket receives instead (the default on other systems) [1]

        idle mode: opens N connections that each SUBSCRIBE (or PSUBSCRIBE) and then stay idle, prints a READY line
        once every subscription is confirmed, and holds them until Ctrl+C / SIGTERM or --hold seconds. Read the
        server's memory (e.g. VmRSS) before and while they are held to get the memory per idle subscriber.

          --idle-connections N                connections to open
          --subscribe-endpoints host:port,... servers to spread them over, round-robin          [127.0.0.1:6379]
          --channels C                        connection i subscribes to channel i % C  [N: one channel each]
          --patterns                          PSUBSCRIBE instead of SUBSCRIBE
          --hold S                            release the connections after S seconds (0: wait for a signal) [0]
          --setup-timeout S                   seconds allowed for connecting and confirming     [60]

        Numbers accept k and m suffixes (100k = 100000). Exit code: 0 when every expected message arrived exactly
        once and in order (idle: every subscription was confirmed), 1 otherwise, 2 for bad options.

        """;
}
