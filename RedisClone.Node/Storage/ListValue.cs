namespace RedisClone.Node.Storage;

/// <summary>
/// A list, packed like Redis's quicklist: a deque of nodes, each one byte[] holding its elements back to back as
/// length-prefixed entries. A List&lt;byte[]&gt; costs an array object (24+ bytes) and a reference per element; a
/// packed entry costs its bytes plus two length bytes for elements under 128 bytes, about what a listpack costs.
/// Each entry is [LEB128 length][bytes][the same length, bytes reversed] so it can be walked from either end.
/// A node holds up to list-max-listpack-size (bytes when negative, entries when positive); an element bigger than
/// the node limit gets a node of its own.
/// </summary>
internal sealed partial class ListValue : CollectionValue
{
    // The node ring: _ring.Length is a power of two; node i of the list is at (_head + i) & mask.
    private Node[] _ring = new Node[1];
    private int _head;
    private int _nodeCount;
    private int _count;
    private readonly int _maxNodeBytes;
    private readonly int _maxNodeEntries;

    /// <summary>A list that packs nodes by <paramref name="listMaxListpackSize"/> (Redis's list-max-listpack-size).</summary>
    public ListValue(long listMaxListpackSize)
    {
        if (listMaxListpackSize >= 0)
        {
            // Redis caps a count-limited node at 8 KB all the same (SIZE_SAFETY_LIMIT), unless it holds one entry.
            _maxNodeEntries = (int)Math.Clamp(listMaxListpackSize, 1, 1 << 15);
            _maxNodeBytes = 8192;
        }
        else
        {
            _maxNodeEntries = int.MaxValue;
            _maxNodeBytes = 4096 << (int)Math.Clamp(-listMaxListpackSize - 1, 0, 4);
        }
    }

    private ListValue(int maxNodeBytes, int maxNodeEntries)
    {
        _maxNodeBytes = maxNodeBytes;
        _maxNodeEntries = maxNodeEntries;
    }

    public override string TypeName => "list";

    // Redis 7.0 encodes every list as a quicklist (listpack lists came in 7.2).
    public override string EncodingName => "quicklist";

    public override int Count => _count;

    public override CollectionValue Clone()
    {
        var copy = new ListValue(_maxNodeBytes, _maxNodeEntries);
        copy._ring = new Node[_ring.Length];
        for (int i = 0; i < _nodeCount; i++)
        {
            copy._ring[i] = NodeAt(i).Clone();
        }
        copy._nodeCount = _nodeCount;
        copy._count = _count;
        return copy;
    }

    public override long EstimateBytes()
    {
        long bytes = 48 + 8L * _ring.Length;
        for (int i = 0; i < _nodeCount; i++)
        {
            bytes += 40 + 24 + NodeAt(i).Buffer.Length;
        }
        return bytes;
    }

    private Node NodeAt(int index) => _ring[(_head + index) & (_ring.Length - 1)];

    private Node First => NodeAt(0);

    private Node Last => NodeAt(_nodeCount - 1);

    // ---- pushing and popping at the ends (the hot paths) ----

    public void PushLeft(ReadOnlySpan<byte> element)
    {
        int size = Entry.Size(element.Length);
        if (_nodeCount == 0 || !Fits(First, size))
        {
            InsertNode(0, new Node(NewNodeCapacity(size), freeAtFront: true));
        }
        First.PushFront(element, size, _maxNodeBytes);
        _count++;
    }

    public void PushRight(ReadOnlySpan<byte> element)
    {
        int size = Entry.Size(element.Length);
        if (_nodeCount == 0 || !Fits(Last, size))
        {
            InsertNode(_nodeCount, new Node(NewNodeCapacity(size), freeAtFront: false));
        }
        Last.PushBack(element, size, _maxNodeBytes);
        _count++;
    }

    // A list's first node grows from the size of its first element (small lists stay small); once a list spans
    // nodes it is evidently long, and a new node gets the full node size at once instead of growing into it.
    // A node limited by entries (a positive list-max-listpack-size) may stay far below the byte limit: it grows too.
    private int NewNodeCapacity(int size) => _nodeCount == 0 || _maxNodeEntries != int.MaxValue ? size : Math.Max(size, _maxNodeBytes);

    /// <summary>
    /// A push of several elements (<paramref name="bytes"/> of entries) is about to follow: the end node grows once to
    /// take as many of them as it may hold, instead of growing 1.5x at a time and keeping the slack.
    /// </summary>
    public void ReserveForPush(long bytes, int firstEntrySize, bool left)
    {
        if (_nodeCount == 0)
        {
            if (firstEntrySize <= _maxNodeBytes)
            {
                // The node the first push would create, sized for the whole push (an element bigger than a node
                // gets its own node instead, so no empty node is left behind).
                InsertNode(0, new Node((int)Math.Min(bytes, _maxNodeBytes), freeAtFront: left));
            }
            return;
        }
        Node node = left ? First : Last;
        int room = _maxNodeBytes - node.Used;
        if (room > 0 && node.Count < _maxNodeEntries)
        {
            node.Reserve((int)Math.Min(bytes, room), left);
        }
    }

    /// <summary>The bytes an element takes in a node.</summary>
    public static int EntrySize(int length) => Entry.Size(length);

    private bool Fits(Node node, int size) => node.Count < _maxNodeEntries && node.Used + size <= _maxNodeBytes;

    /// <summary>The first (or last) element, without removing it; empty list: false.</summary>
    public bool TryPeek(bool left, out ReadOnlySpan<byte> element)
    {
        if (_count == 0)
        {
            element = default;
            return false;
        }
        element = left ? First.EntryAt(First.Start, out _) : Last.LastEntry(out _);
        return true;
    }

    /// <summary>Removes the first or last element; the span stays valid until the list is changed again.</summary>
    public ReadOnlySpan<byte> Pop(bool left)
    {
        Node node = left ? First : Last;
        ReadOnlySpan<byte> element = left ? node.PopFront() : node.PopBack();
        _count--;
        if (node.Count == 0)
        {
            // The node's buffer is dropped, not reused, so the span stays readable.
            RemoveNode(left ? 0 : _nodeCount - 1);
        }
        return element;
    }

    // ---- positions ----

    /// <summary>A position in the list: a node and the offset of an entry in its buffer.</summary>
    public readonly record struct Position(int NodeIndex, int Offset);

    /// <summary>The position of element <paramref name="index"/> (0 &lt;= index &lt; Count), walking from the nearer end.</summary>
    public Position Locate(int index)
    {
        if (index < _count / 2)
        {
            for (int n = 0; ; n++)
            {
                Node node = NodeAt(n);
                if (index < node.Count)
                {
                    int offset = node.Start;
                    for (int i = 0; i < index; i++)
                    {
                        offset = node.Next(offset);
                    }
                    return new Position(n, offset);
                }
                index -= node.Count;
            }
        }
        int fromEnd = _count - 1 - index;
        for (int n = _nodeCount - 1; ; n--)
        {
            Node node = NodeAt(n);
            if (fromEnd < node.Count)
            {
                int offset = node.LastOffset();
                for (int i = 0; i < fromEnd; i++)
                {
                    offset = node.Previous(offset);
                }
                return new Position(n, offset);
            }
            fromEnd -= node.Count;
        }
    }

    public ReadOnlySpan<byte> ElementAt(Position position) => NodeAt(position.NodeIndex).EntryAt(position.Offset, out _);

    /// <summary>The element after <paramref name="position"/>; false at the end of the list.</summary>
    public bool MoveNext(ref Position position)
    {
        Node node = NodeAt(position.NodeIndex);
        int next = node.Next(position.Offset);
        if (next < node.End)
        {
            position = position with { Offset = next };
            return true;
        }
        if (position.NodeIndex + 1 >= _nodeCount)
        {
            return false;
        }
        position = new Position(position.NodeIndex + 1, NodeAt(position.NodeIndex + 1).Start);
        return true;
    }

    /// <summary>The element before <paramref name="position"/>; false at the start of the list.</summary>
    public bool MovePrevious(ref Position position)
    {
        Node node = NodeAt(position.NodeIndex);
        if (position.Offset > node.Start)
        {
            position = position with { Offset = node.Previous(position.Offset) };
            return true;
        }
        if (position.NodeIndex == 0)
        {
            return false;
        }
        position = new Position(position.NodeIndex - 1, NodeAt(position.NodeIndex - 1).LastOffset());
        return true;
    }

    public Position FirstPosition => new(0, First.Start);

    public Position LastPosition => new(_nodeCount - 1, Last.LastOffset());

    // ---- changes in the middle: the node concerned is rewritten (Redis's listpack also moves the node's bytes) ----

    /// <summary>Replaces the element at <paramref name="index"/> (LSET).</summary>
    public void Set(int index, ReadOnlySpan<byte> element)
    {
        Position at = Locate(index);
        RewriteNode(at.NodeIndex, at.Offset, removeCount: 1, element, insert: true);
    }

    /// <summary>Inserts <paramref name="element"/> before or after the element at <paramref name="at"/> (LINSERT).</summary>
    public void Insert(Position at, bool after, ReadOnlySpan<byte> element)
    {
        int offset = after ? NodeAt(at.NodeIndex).Next(at.Offset) : at.Offset;
        RewriteNode(at.NodeIndex, offset, removeCount: 0, element, insert: true);
        _count++;
    }

    /// <summary>
    /// Removes up to <paramref name="limit"/> elements equal to <paramref name="element"/> (0: all), from the head or
    /// from the tail (LREM); returns how many went.
    /// </summary>
    public int RemoveMatching(ReadOnlySpan<byte> element, long limit, bool fromTail)
    {
        int removed = 0;
        long budget = limit == 0 ? long.MaxValue : limit;
        if (!fromTail)
        {
            for (int n = 0; n < _nodeCount && removed < budget;)
            {
                int gone = NodeAt(n).RemoveMatching(element, budget - removed, fromTail: false);
                removed += gone;
                n = DropIfEmpty(n) ? n : n + 1;
            }
        }
        else
        {
            for (int n = _nodeCount - 1; n >= 0 && removed < budget; n--)
            {
                removed += NodeAt(n).RemoveMatching(element, budget - removed, fromTail: true);
                DropIfEmpty(n);
            }
        }
        _count -= removed;
        return removed;
    }

    /// <summary>Removes <paramref name="left"/> elements from the head and <paramref name="right"/> from the tail (LTRIM).</summary>
    public void Trim(int left, int right)
    {
        TrimEnd(left, fromLeft: true);
        TrimEnd(right, fromLeft: false);
    }

    private void TrimEnd(int remove, bool fromLeft)
    {
        while (remove > 0)
        {
            Node node = fromLeft ? First : Last;
            if (node.Count <= remove)
            {
                remove -= node.Count;
                _count -= node.Count;
                RemoveNode(fromLeft ? 0 : _nodeCount - 1);
                continue;
            }
            for (; remove > 0; remove--)
            {
                if (fromLeft)
                {
                    node.PopFront();
                }
                else
                {
                    node.PopBack();
                }
                _count--;
            }
            node.Compact();
        }
    }

    private bool DropIfEmpty(int nodeIndex)
    {
        if (NodeAt(nodeIndex).Count > 0)
        {
            return false;
        }
        RemoveNode(nodeIndex);
        return true;
    }

    /// <summary>
    /// Rewrites one node with <paramref name="removeCount"/> entries at <paramref name="offset"/> removed and, when
    /// <paramref name="insert"/>, <paramref name="element"/> put there; splits it when it no longer fits.
    /// </summary>
    private void RewriteNode(int nodeIndex, int offset, int removeCount, ReadOnlySpan<byte> element, bool insert)
    {
        Node node = NodeAt(nodeIndex);
        int removeEnd = offset;
        for (int i = 0; i < removeCount; i++)
        {
            removeEnd = node.Next(removeEnd);
        }
        int entrySize = insert ? Entry.Size(element.Length) : 0;
        int newCount = node.Count - removeCount + (insert ? 1 : 0);
        int newUsed = node.Used - (removeEnd - offset) + entrySize;
        if (newCount <= _maxNodeEntries && newUsed <= _maxNodeBytes || newCount == 1)
        {
            node.Replace(offset, removeEnd, element, entrySize, insert, removeCount);
            return;
        }
        // Too big for one node: the entries before the change stay, the change and what follows move to a new node.
        var tail = new Node(node.End - removeEnd + entrySize, freeAtFront: false);
        if (insert)
        {
            tail.PushBack(element, entrySize, _maxNodeBytes);
        }
        tail.AppendEntries(node, removeEnd, node.End);
        node.Truncate(offset);
        InsertNode(nodeIndex + 1, tail);
        if (node.Count == 0)
        {
            RemoveNode(nodeIndex);
        }
        else if ((tail.Count > _maxNodeEntries || tail.Used > _maxNodeBytes) && tail.Count > 1)
        {
            // The inserted entry alone goes to its own node when the rest still does not fit with it.
            var rest = new Node(tail.End - tail.Next(tail.Start), freeAtFront: false);
            rest.AppendEntries(tail, tail.Next(tail.Start), tail.End);
            tail.Truncate(tail.Next(tail.Start));
            InsertNode(nodeIndex + 2, rest);
        }
    }

    // ---- the node ring ----

    private void InsertNode(int index, Node node)
    {
        if (_nodeCount == _ring.Length)
        {
            var grown = new Node[_ring.Length * 2];
            for (int i = 0; i < _nodeCount; i++)
            {
                grown[i] = NodeAt(i);
            }
            _ring = grown;
            _head = 0;
        }
        int mask = _ring.Length - 1;
        if (index == 0)
        {
            _head = (_head - 1) & mask;
            _ring[_head] = node;
        }
        else
        {
            for (int i = _nodeCount; i > index; i--)
            {
                _ring[(_head + i) & mask] = _ring[(_head + i - 1) & mask];
            }
            _ring[(_head + index) & mask] = node;
        }
        _nodeCount++;
    }

    private void RemoveNode(int index)
    {
        int mask = _ring.Length - 1;
        if (index == 0)
        {
            _ring[_head] = null!;
            _head = (_head + 1) & mask;
        }
        else
        {
            for (int i = index; i < _nodeCount - 1; i++)
            {
                _ring[(_head + i) & mask] = _ring[(_head + i + 1) & mask];
            }
            _ring[(_head + _nodeCount - 1) & mask] = null!;
        }
        _nodeCount--;
        if (_nodeCount == 0)
        {
            _head = 0;
        }
    }
}
