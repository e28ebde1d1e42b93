using System.Globalization;

namespace RedisClone.Benchmarks.PubSub;

/// <summary>
/// Who talks on which channel. Subscriber i listens to channel i % C; publisher p sends its k-th message to channel
/// (p + k) % C, so publishers start on different channels and every channel gets an even share. From this a subscriber
/// knows exactly which sequence numbers of each publisher it must receive, and the tool how many deliveries to expect.
/// </summary>
public sealed class ChannelMap
{
    private readonly int[] _subscribersPerChannel;

    public ChannelMap(string prefix, int channels, int subscribers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Prefix = prefix;
        Channels = channels;
        _subscribersPerChannel = new int[channels];
        for (int i = 0; i < subscribers; i++)
        {
            _subscribersPerChannel[ChannelOfSubscriber(i)]++;
        }
    }

    public string Prefix { get; }

    public int Channels { get; }

    public int ChannelOfSubscriber(int subscriber) => subscriber % Channels;

    public int ChannelOfMessage(int publisher, long sequence) => (int)((publisher + sequence) % Channels);

    public int SubscribersOn(int channel) => _subscribersPerChannel[channel];

    /// <summary>The first sequence number of <paramref name="publisher"/> that goes to <paramref name="channel"/>; every C-th after it does too.</summary>
    public long FirstSequenceOn(int publisher, int channel) => (((channel - publisher) % Channels) + Channels) % Channels;

    public string ChannelName(int channel) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{channel}:feed");

    /// <summary>A pattern that matches this channel and no other of the run (the ':' after the number stops bench:1:* matching bench:10:feed).</summary>
    public string PatternFor(int channel) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{channel}:*");
}
