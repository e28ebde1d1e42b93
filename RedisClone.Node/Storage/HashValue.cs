namespace RedisClone.Node.Storage;

/// <summary>
/// A hash: fields and values packed in a <see cref="PackedStore"/>, compact ("listpack", insertion order) until Redis
/// 7.0's rules convert it, once, to the indexed layout ("hashtable").
/// </summary>
internal sealed class HashValue : CollectionValue
{
    private readonly PackedStore _store;

    public HashValue()
        : this(new PackedStore(recordsPerElement: 2))
    {
    }

    private HashValue(PackedStore store) => _store = store;

    public override string TypeName => "hash";

    public override string EncodingName => _store.IsIndexed ? "hashtable" : "listpack";

    public override int Count => _store.Count;

    /// <summary>The fields and values, for the commands that walk or sample them (handles as <see cref="PackedStore"/> defines).</summary>
    public PackedStore Entries => _store;

    public override CollectionValue Clone() => new HashValue(_store.Clone());

    public override long EstimateBytes() => 32 + _store.EstimateBytes();

    /// <summary>The handle of <paramref name="field"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> field) => _store.Find(field);

    /// <summary>
    /// Sets a field; true when it is new. As Redis's hashTypeSet, a field or value longer than hash-max-listpack-value,
    /// or more fields than hash-max-listpack-entries, convert the hash.
    /// </summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, CollectionLimits limits)
    {
        if (!_store.IsIndexed && (field.Length > limits.HashMaxListpackValue || value.Length > limits.HashMaxListpackValue))
        {
            _store.BuildIndex();
        }
        int handle = _store.Find(field);
        if (handle >= 0)
        {
            _store.ReplaceValue(handle, value);
            return false;
        }
        _store.Add(field, value);
        if (!_store.IsIndexed && _store.Count > limits.HashMaxListpackEntries)
        {
            _store.BuildIndex();
        }
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> field)
    {
        int handle = _store.Find(field);
        if (handle < 0)
        {
            return false;
        }
        _store.Remove(handle);
        return true;
    }
}
