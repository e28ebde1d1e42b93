namespace RedisClone.Node.Storage;

/// <summary>A monotone test over the (score, member) order: true for a prefix of the elements, false after it.</summary>
internal interface IElementBound
{
    bool IsBefore(double score, ReadOnlySpan<byte> member);
}

/// <summary>
/// The ordered half of the skiplist encoding: a B+ tree whose nodes know their element counts, so rank, rank lookup
/// and range bounds are O(log n). Chosen over a skip list for memory: a leaf holds up to 64 slot numbers of the
/// <see cref="MemberIndex"/> (4 bytes an element) where a skip-list node costs an object per element.
/// Elements are ordered by score, then by member bytes (memcmp), as Redis orders them.
/// </summary>
internal sealed class ScoreTree
{
    private const int LeafCapacity = 64;
    private const int InnerCapacity = 32;

    internal abstract class Node
    {
        /// <summary>Elements under this node.</summary>
        public int Count;
    }

    internal sealed class Leaf : Node
    {
        public readonly int[] Slots = new int[LeafCapacity];
        public Leaf? Next;
        public Leaf? Previous;
    }

    /// <summary>
    /// Children with separators: every element of child i is below separator i, which is at most every element of child
    /// i+1. A separator is a copy of a key, so it stays valid (if loose) after its element is removed.
    /// </summary>
    private sealed class Inner : Node
    {
        public readonly Node[] Children = new Node[InnerCapacity + 1];
        public readonly double[] SeparatorScores = new double[InnerCapacity];
        public readonly byte[][] SeparatorMembers = new byte[InnerCapacity][];
        public int ChildCount;
    }

    private readonly MemberIndex _index;
    private Node _root = new Leaf();
    private Leaf _first;
    private Leaf _last;

    public ScoreTree(MemberIndex index)
    {
        _index = index;
        _first = _last = (Leaf)_root;
    }

    public int Count => _root.Count;

    private int Compare(int slot, double score, ReadOnlySpan<byte> member)
    {
        double s = _index.ScoreAt(slot);
        return s < score ? -1 : s > score ? 1 : _index.MemberAt(slot).AsSpan().SequenceCompareTo(member);
    }

    private static int CompareKeys(double a, ReadOnlySpan<byte> am, double b, ReadOnlySpan<byte> bm) =>
        a < b ? -1 : a > b ? 1 : am.SequenceCompareTo(bm);

    /// <summary>The child of <paramref name="node"/> that holds (or would hold) the key: the count of separators at or below it.</summary>
    private static int ChildFor(Inner node, double score, ReadOnlySpan<byte> member)
    {
        int lo = 0;
        int hi = node.ChildCount - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (CompareKeys(node.SeparatorScores[mid], node.SeparatorMembers[mid], score, member) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>The first position in the leaf whose element is above the key (or equal, when <paramref name="orEqual"/>).</summary>
    private int PositionIn(Leaf leaf, double score, ReadOnlySpan<byte> member, bool orEqual)
    {
        int lo = 0;
        int hi = leaf.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            int cmp = Compare(leaf.Slots[mid], score, member);
            if (cmp < 0 || (cmp == 0 && !orEqual))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Inserts the element at <paramref name="slot"/> of the index (its key must not be in the tree).</summary>
    public void Insert(int slot)
    {
        double score = _index.ScoreAt(slot);
        byte[] member = _index.MemberAt(slot);
        Node? right = InsertInto(_root, slot, score, member, out double sepScore, out byte[]? sepMember);
        if (right is not null)
        {
            var root = new Inner { Count = _root.Count + right.Count, ChildCount = 2 };
            root.Children[0] = _root;
            root.Children[1] = right;
            root.SeparatorScores[0] = sepScore;
            root.SeparatorMembers[0] = sepMember!;
            _root = root;
        }
    }

    private Node? InsertInto(Node node, int slot, double score, byte[] member, out double sepScore, out byte[]? sepMember)
    {
        if (node is Leaf leaf)
        {
            return InsertIntoLeaf(leaf, slot, score, member, out sepScore, out sepMember);
        }
        var inner = (Inner)node;
        int i = ChildFor(inner, score, member);
        inner.Count++;
        Node? right = InsertInto(inner.Children[i], slot, score, member, out double childSepScore, out byte[]? childSepMember);
        sepScore = 0;
        sepMember = null;
        if (right is null)
        {
            return null;
        }
        Array.Copy(inner.Children, i + 1, inner.Children, i + 2, inner.ChildCount - i - 1);
        Array.Copy(inner.SeparatorScores, i, inner.SeparatorScores, i + 1, inner.ChildCount - 1 - i);
        Array.Copy(inner.SeparatorMembers, i, inner.SeparatorMembers, i + 1, inner.ChildCount - 1 - i);
        inner.Children[i + 1] = right;
        inner.SeparatorScores[i] = childSepScore;
        inner.SeparatorMembers[i] = childSepMember!;
        inner.ChildCount++;
        if (inner.ChildCount <= InnerCapacity)
        {
            return null;
        }
        // Split: the middle separator moves up.
        int leftChildren = inner.ChildCount / 2;
        var sibling = new Inner { ChildCount = inner.ChildCount - leftChildren };
        Array.Copy(inner.Children, leftChildren, sibling.Children, 0, sibling.ChildCount);
        Array.Copy(inner.SeparatorScores, leftChildren, sibling.SeparatorScores, 0, sibling.ChildCount - 1);
        Array.Copy(inner.SeparatorMembers, leftChildren, sibling.SeparatorMembers, 0, sibling.ChildCount - 1);
        sepScore = inner.SeparatorScores[leftChildren - 1];
        sepMember = inner.SeparatorMembers[leftChildren - 1];
        Array.Clear(inner.Children, leftChildren, inner.ChildCount - leftChildren);
        Array.Clear(inner.SeparatorMembers, leftChildren - 1, inner.ChildCount - leftChildren);
        inner.ChildCount = leftChildren;
        int moved = 0;
        for (int c = 0; c < sibling.ChildCount; c++)
        {
            moved += sibling.Children[c].Count;
        }
        sibling.Count = moved;
        inner.Count -= moved;
        return sibling;
    }

    private Leaf? InsertIntoLeaf(Leaf leaf, int slot, double score, byte[] member, out double sepScore, out byte[]? sepMember)
    {
        int position = PositionIn(leaf, score, member, orEqual: false);
        sepScore = 0;
        sepMember = null;
        if (leaf.Count < LeafCapacity)
        {
            Array.Copy(leaf.Slots, position, leaf.Slots, position + 1, leaf.Count - position);
            leaf.Slots[position] = slot;
            leaf.Count++;
            return null;
        }
        var sibling = new Leaf { Previous = leaf, Next = leaf.Next };
        if (leaf.Next is null)
        {
            _last = sibling;
        }
        else
        {
            leaf.Next.Previous = sibling;
        }
        leaf.Next = sibling;
        if (position == LeafCapacity && sibling.Next is null)
        {
            // Appending in order (the usual way a big set is loaded) leaves full leaves behind instead of half-full ones.
            sibling.Slots[0] = slot;
            sibling.Count = 1;
        }
        else
        {
            int keep = LeafCapacity / 2;
            Array.Copy(leaf.Slots, keep, sibling.Slots, 0, LeafCapacity - keep);
            sibling.Count = LeafCapacity - keep;
            leaf.Count = keep;
            Leaf target = position <= keep ? leaf : sibling;
            int at = position <= keep ? position : position - keep;
            Array.Copy(target.Slots, at, target.Slots, at + 1, target.Count - at);
            target.Slots[at] = slot;
            target.Count++;
        }
        int firstSlot = sibling.Slots[0];
        sepScore = _index.ScoreAt(firstSlot);
        sepMember = _index.MemberAt(firstSlot);
        return sibling;
    }

    /// <summary>Removes the element with this key (it must be in the tree).</summary>
    public void Remove(double score, ReadOnlySpan<byte> member)
    {
        RemoveFrom(_root, score, member);
        CollapseRoot();
    }

    private void CollapseRoot()
    {
        while (_root is Inner { ChildCount: 1 } inner)
        {
            _root = inner.Children[0];
        }
        if (_root is Inner { ChildCount: 0 })
        {
            _root = _first = _last = new Leaf();
        }
    }

    private void RemoveFrom(Node node, double score, ReadOnlySpan<byte> member)
    {
        if (node is Leaf leaf)
        {
            int position = PositionIn(leaf, score, member, orEqual: true);
            leaf.Count--;
            Array.Copy(leaf.Slots, position + 1, leaf.Slots, position, leaf.Count - position);
            return;
        }
        var inner = (Inner)node;
        inner.Count--;
        int i = ChildFor(inner, score, member);
        RemoveFrom(inner.Children[i], score, member);
        Rebalance(inner, i);
    }

    /// <summary>After a removal under child <paramref name="i"/>: drops it if empty, merges small neighbouring leaves.</summary>
    private void Rebalance(Inner inner, int i)
    {
        Node child = inner.Children[i];
        if (child.Count == 0 || child is Inner { ChildCount: 0 })
        {
            if (child is Leaf emptyLeaf)
            {
                Unlink(emptyLeaf);
            }
            RemoveChild(inner, i);
            return;
        }
        if (child is Leaf leaf && leaf.Count <= LeafCapacity / 4)
        {
            if (i + 1 < inner.ChildCount && inner.Children[i + 1] is Leaf right && leaf.Count + right.Count <= LeafCapacity * 3 / 4)
            {
                MergeLeaves(inner, i, leaf, right);
            }
            else if (i > 0 && inner.Children[i - 1] is Leaf left && leaf.Count + left.Count <= LeafCapacity * 3 / 4)
            {
                MergeLeaves(inner, i - 1, left, leaf);
            }
        }
    }

    /// <summary>Moves <paramref name="right"/> (child j+1) into <paramref name="left"/> (child j).</summary>
    private void MergeLeaves(Inner inner, int j, Leaf left, Leaf right)
    {
        Array.Copy(right.Slots, 0, left.Slots, left.Count, right.Count);
        left.Count += right.Count;
        right.Count = 0;
        Unlink(right);
        RemoveChildAndSeparator(inner, j + 1, j);
    }

    private void Unlink(Leaf leaf)
    {
        if (leaf.Previous is null)
        {
            if (leaf.Next is not null)
            {
                _first = leaf.Next;
            }
        }
        else
        {
            leaf.Previous.Next = leaf.Next;
        }
        if (leaf.Next is null)
        {
            if (leaf.Previous is not null)
            {
                _last = leaf.Previous;
            }
        }
        else
        {
            leaf.Next.Previous = leaf.Previous;
        }
    }

    private static void RemoveChild(Inner inner, int i) => RemoveChildAndSeparator(inner, i, i > 0 ? i - 1 : 0);

    private static void RemoveChildAndSeparator(Inner inner, int child, int separator)
    {
        Array.Copy(inner.Children, child + 1, inner.Children, child, inner.ChildCount - child - 1);
        inner.Children[inner.ChildCount - 1] = null!;
        if (inner.ChildCount > 1)
        {
            Array.Copy(inner.SeparatorScores, separator + 1, inner.SeparatorScores, separator, inner.ChildCount - 2 - separator);
            Array.Copy(inner.SeparatorMembers, separator + 1, inner.SeparatorMembers, separator, inner.ChildCount - 2 - separator);
            inner.SeparatorMembers[inner.ChildCount - 2] = null!;
        }
        inner.ChildCount--;
    }

    /// <summary>How many elements the bound puts before it: the rank where a range starts or ends.</summary>
    public int CountBefore<TBound>(in TBound bound)
        where TBound : struct, IElementBound
    {
        Node node = _root;
        int rank = 0;
        while (node is Inner inner)
        {
            int i = 0;
            while (i < inner.ChildCount - 1 && bound.IsBefore(inner.SeparatorScores[i], inner.SeparatorMembers[i]))
            {
                rank += inner.Children[i].Count;
                i++;
            }
            node = inner.Children[i];
        }
        var leaf = (Leaf)node;
        int lo = 0;
        int hi = leaf.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            int slot = leaf.Slots[mid];
            if (bound.IsBefore(_index.ScoreAt(slot), _index.MemberAt(slot)))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return rank + lo;
    }

    /// <summary>The 0-based rank of an element in the tree.</summary>
    public int Rank(double score, ReadOnlySpan<byte> member)
    {
        Node node = _root;
        int rank = 0;
        while (node is Inner inner)
        {
            int i = ChildFor(inner, score, member);
            for (int c = 0; c < i; c++)
            {
                rank += inner.Children[c].Count;
            }
            node = inner.Children[i];
        }
        return rank + PositionIn((Leaf)node, score, member, orEqual: true);
    }

    /// <summary>A position for walking the elements in order from a rank.</summary>
    public struct Cursor
    {
        internal Leaf? Leaf;
        internal int Index;

        public readonly bool Valid => Leaf is not null;

        public readonly int Slot => Leaf!.Slots[Index];

        public void MoveNext()
        {
            if (++Index >= Leaf!.Count)
            {
                Leaf = Leaf.Next;
                Index = 0;
            }
        }

        public void MovePrevious()
        {
            if (--Index < 0)
            {
                Leaf = Leaf!.Previous;
                Index = Leaf is null ? 0 : Leaf.Count - 1;
            }
        }
    }

    public Cursor At(int rank)
    {
        Node node = _root;
        while (node is Inner inner)
        {
            int i = 0;
            while (rank >= inner.Children[i].Count)
            {
                rank -= inner.Children[i].Count;
                i++;
            }
            node = inner.Children[i];
        }
        return new Cursor { Leaf = (Leaf)node, Index = rank };
    }
}
