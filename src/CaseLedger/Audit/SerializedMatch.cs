using System.Buffers;
using CaseLedger.Core;
using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// Compares what the events produce with what is stored without building a string of either: the
/// expected document is serialized, as the store serializes it, into a buffer each thread reuses, and
/// matched with the stored JSON as PostgreSQL sent it, UTF-8 (<see cref="JsonSameValue"/>). Only when they are not surely the same
/// does a caller build strings, to decide exactly and name the difference.
/// </summary>
internal static class SerializedMatch
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _left;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _right;

    /// <summary>Whether <paramref name="expected"/>, serialized, surely holds the same value as the stored JSON <paramref name="found"/>.</summary>
    public static bool Surely(ISerializer serializer, object expected, ReadOnlySpan<byte> found) =>
        JsonSameValue.Surely(Serialized(ref _left, serializer, expected).WrittenSpan, found);

    /// <summary>Whether two objects serialize to the same bytes, as the store serializes them.</summary>
    public static bool SameBytes(ISerializer serializer, object left, object right) =>
        Serialized(ref _left, serializer, left).WrittenSpan.SequenceEqual(Serialized(ref _right, serializer, right).WrittenSpan);

    private static ArrayBufferWriter<byte> Serialized(ref ArrayBufferWriter<byte>? buffer, ISerializer serializer, object value)
    {
        buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        serializer.WriteTo(buffer, value);
        return buffer;
    }
}
