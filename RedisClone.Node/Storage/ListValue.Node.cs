namespace RedisClone.Node.Storage;

internal sealed partial class ListValue
{
    /// <summary>How an entry is laid out: [LEB128 length][bytes][the LEB128 length reversed].</summary>
    private static class Entry
    {
        public static int LengthBytes(int length) => length < 1 << 7 ? 1 : length < 1 << 14 ? 2 : length < 1 << 21 ? 3 : length < 1 << 28 ? 4 : 5;

        public static int Size(int length) => length + 2 * LengthBytes(length);

        public static void Write(Span<byte> target, ReadOnlySpan<byte> element)
        {
            int lengthBytes = LengthBytes(element.Length);
            uint value = (uint)element.Length;
            for (int i = 0; i < lengthBytes; i++)
            {
                byte b = (byte)((value & 0x7f) | (i < lengthBytes - 1 ? 0x80u : 0));
                target[i] = b;
                // The trailer holds the same bytes in reverse order, so it is read from its end backwards.
                target[lengthBytes + element.Length + lengthBytes - 1 - i] = b;
                value >>= 7;
            }
            element.CopyTo(target[lengthBytes..]);
        }
    }

    private sealed class Node
    {
        public byte[] Buffer;
        public int Start;
        public int End;
        public int Count;

        public Node(int capacity, bool freeAtFront)
        {
            Buffer = new byte[Math.Max(capacity, 16)];
            Start = End = freeAtFront ? Buffer.Length : 0;
        }

        private Node(byte[] buffer, int count)
        {
            Buffer = buffer;
            End = buffer.Length;
            Count = count;
        }

        public int Used => End - Start;

        public Node Clone() => new(Buffer.AsSpan(Start, Used).ToArray(), Count);

        public ReadOnlySpan<byte> EntryAt(int offset, out int next)
        {
            int length = 0;
            int shift = 0;
            int p = offset;
            byte b;
            do
            {
                b = Buffer[p++];
                length |= (b & 0x7f) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            int headerBytes = p - offset;
            next = p + length + headerBytes;
            return new ReadOnlySpan<byte>(Buffer, p, length);
        }

        public int Next(int offset)
        {
            EntryAt(offset, out int next);
            return next;
        }

        /// <summary>The offset of the entry that ends just before <paramref name="offset"/>.</summary>
        public int Previous(int offset)
        {
            int length = 0;
            int shift = 0;
            int p = offset - 1;
            byte b;
            do
            {
                b = Buffer[p--];
                length |= (b & 0x7f) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            int trailerBytes = offset - 1 - p;
            return offset - trailerBytes - length - trailerBytes;
        }

        public int LastOffset() => Previous(End);

        public ReadOnlySpan<byte> LastEntry(out int offset)
        {
            offset = LastOffset();
            return EntryAt(offset, out _);
        }

        public void PushFront(ReadOnlySpan<byte> element, int size, int limit)
        {
            if (Start < size)
            {
                MakeRoom(size, atFront: true, limit);
            }
            Start -= size;
            Entry.Write(Buffer.AsSpan(Start, size), element);
            Count++;
        }

        public void PushBack(ReadOnlySpan<byte> element, int size, int limit)
        {
            if (Buffer.Length - End < size)
            {
                MakeRoom(size, atFront: false, limit);
            }
            Entry.Write(Buffer.AsSpan(End, size), element);
            End += size;
            Count++;
        }

        /// <summary>Makes room for <paramref name="size"/> more bytes at one end unless it is there already, growing to exactly that.</summary>
        public void Reserve(int size, bool atFront)
        {
            if ((atFront ? Start : Buffer.Length - End) < size)
            {
                MakeRoom(size, atFront, limit: 0);
            }
        }

        /// <summary>
        /// Frees <paramref name="size"/> bytes on one side: by moving the entries when the buffer has the room, else by
        /// growing it by a quarter (as PackedStore does: a small list's slack is its memory), up to <paramref name="limit"/> (0: to exactly what is needed).
        /// </summary>
        private void MakeRoom(int size, bool atFront, int limit)
        {
            int used = Used;
            int needed = used + size;
            byte[] target = Buffer;
            if (needed > Buffer.Length)
            {
                int grown = limit == 0 ? needed : Math.Max(needed, Math.Min(Buffer.Length + (Buffer.Length / 4), Math.Max(limit, needed)));
                target = new byte[(grown + 7) & ~7];
            }
            int newStart = atFront ? target.Length - used : 0;
            System.Buffer.BlockCopy(Buffer, Start, target, newStart, used);
            Buffer = target;
            Start = newStart;
            End = newStart + used;
        }

        public ReadOnlySpan<byte> PopFront()
        {
            ReadOnlySpan<byte> element = EntryAt(Start, out int next);
            Start = next;
            Count--;
            return element;
        }

        public ReadOnlySpan<byte> PopBack()
        {
            ReadOnlySpan<byte> element = LastEntry(out int offset);
            End = offset;
            Count--;
            return element;
        }

        /// <summary>Gives back a buffer mostly empty after removals.</summary>
        public void Compact()
        {
            if (Buffer.Length > 2 * Used + 64)
            {
                Buffer = Buffer.AsSpan(Start, Used).ToArray();
                Start = 0;
                End = Buffer.Length;
            }
        }

        /// <summary>Replaces the entries in [offset, removeEnd) (<paramref name="removed"/> of them) with one element, or none.</summary>
        public void Replace(int offset, int removeEnd, ReadOnlySpan<byte> element, int entrySize, bool insert, int removed)
        {
            int delta = entrySize - (removeEnd - offset);
            int tailLength = End - removeEnd;
            if (End + delta <= Buffer.Length)
            {
                Buffer.AsSpan(removeEnd, tailLength).CopyTo(Buffer.AsSpan(offset + entrySize));
            }
            else
            {
                byte[] grown = new byte[Used + delta];
                int head = offset - Start;
                Buffer.AsSpan(Start, head).CopyTo(grown);
                Buffer.AsSpan(removeEnd, tailLength).CopyTo(grown.AsSpan(head + entrySize));
                Buffer = grown;
                offset = head;
                End -= Start;
                Start = 0;
            }
            if (insert)
            {
                Entry.Write(Buffer.AsSpan(offset, entrySize), element);
            }
            End += delta;
            Count += (insert ? 1 : 0) - removed;
        }

        /// <summary>Appends the raw entries of <paramref name="source"/> between two of its offsets.</summary>
        public void AppendEntries(Node source, int from, int to)
        {
            int length = to - from;
            if (Buffer.Length - End < length)
            {
                Array.Resize(ref Buffer, End + length);
            }
            source.Buffer.AsSpan(from, length).CopyTo(Buffer.AsSpan(End));
            End += length;
            Count += CountEntries(from, to, source);
        }

        /// <summary>Drops every entry from <paramref name="offset"/> on.</summary>
        public void Truncate(int offset)
        {
            Count = CountEntries(Start, offset, this);
            End = offset;
        }

        private static int CountEntries(int from, int to, Node node)
        {
            int count = 0;
            for (int p = from; p < to; p = node.Next(p))
            {
                count++;
            }
            return count;
        }

        /// <summary>
        /// Removes up to <paramref name="budget"/> entries equal to <paramref name="element"/>: the first ones, or
        /// the last ones when <paramref name="fromTail"/>. Returns how many went.
        /// </summary>
        public int RemoveMatching(ReadOnlySpan<byte> element, long budget, bool fromTail)
        {
            long skip = 0;
            if (fromTail)
            {
                long matches = 0;
                for (int p = Start; p < End;)
                {
                    if (EntryAt(p, out p).SequenceEqual(element))
                    {
                        matches++;
                    }
                }
                skip = Math.Max(0, matches - budget);
            }
            int removed = 0;
            int write = Start;
            for (int p = Start; p < End;)
            {
                int next;
                bool match = EntryAt(p, out next).SequenceEqual(element);
                if (match && skip > 0)
                {
                    skip--;
                    match = false;
                }
                if (match && removed < budget)
                {
                    removed++;
                }
                else
                {
                    if (write != p)
                    {
                        Buffer.AsSpan(p, next - p).CopyTo(Buffer.AsSpan(write));
                    }
                    write += next - p;
                }
                p = next;
            }
            End = write;
            Count -= removed;
            if (removed > 0)
            {
                Compact();
            }
            return removed;
        }
    }
}
