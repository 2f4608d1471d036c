using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Marten;

namespace CaseLedger.Core.Vouching;

/// <summary>
/// The digest of a document derived from events, <c>{shape}:{hash}</c>: <c>hash</c> is SHA-256 of the
/// document's canonical JSON (<see cref="CanonicalJson"/>, as the store serializes it), 64 lower-case
/// hex digits; <c>shape</c> is 8 hex digits of SHA-256 over the names and types of the members its
/// type serializes, recursively. Two digests of one shape are comparable; when a new version of
/// CaseLedger changes a document's shape, the digests recorded before it are of another shape and are
/// not compared with documents of the new one (the pipeline then folds the case from its events once,
/// and verification compares the document with the events directly).
/// </summary>
public static class DocumentDigest
{
    private static readonly ConcurrentDictionary<Type, string> Shapes = new();

    [ThreadStatic]
    private static CanonicalWriter? _writer;

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? _json;

    /// <summary>
    /// The digest of <paramref name="document"/> as <paramref name="serializer"/> writes it, in canonical
    /// form: by value, so a document read back from the store (where a decimal keeps the scale it was
    /// written with, and a dictionary's members may come back in another order) has the digest of the
    /// one the events produce.
    /// </summary>
    public static string Of(object document, ISerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(serializer);
        var writer = _writer ??= new CanonicalWriter();
        writer.Clear();
        // Serialized as UTF-8 straight into a buffer the thread reuses: no string on the way.
        var json = _json ??= new System.Buffers.ArrayBufferWriter<byte>(4096);
        json.ResetWrittenCount();
        serializer.WriteTo(json, document);
        writer.Json(json.WrittenMemory);
        return ShapeOf(document.GetType()) + ":" + Convert.ToHexStringLower(SHA256.HashData(writer.Written));
    }

    /// <summary>The shape part of a digest: 8 hex digits that change when the type's serialized members change.</summary>
    public static string ShapeOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Shapes.GetOrAdd(type, t =>
        {
            var description = new StringBuilder();
            Describe(t, description, []);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description.ToString())))[..8];
        });
    }

    /// <summary>The shape of a digest (its part before the colon); empty when it has none.</summary>
    public static string ShapeIn(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : digest[..colon];
    }

    /// <summary>Whether a recorded digest was taken of a document of <paramref name="type"/>'s present shape, so it can be compared with one.</summary>
    public static bool IsOfShape(string digest, Type type) => ShapeIn(digest) == ShapeOf(type);

    private static void Describe(Type type, StringBuilder into, HashSet<Type> seen)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeOnly)
            || type == typeof(TimeSpan) || type == typeof(object))
        {
            into.Append(type.Name);
            return;
        }

        if (type.IsArray)
        {
            into.Append('[');
            Describe(type.GetElementType()!, into, seen);
            into.Append(']');
            return;
        }

        if (typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType)
        {
            into.Append(type.GetGenericTypeDefinition().Name).Append('<');
            foreach (var argument in type.GetGenericArguments())
            {
                Describe(argument, into, seen);
                into.Append(',');
            }

            into.Append('>');
            return;
        }

        into.Append(type.Name);
        if (!seen.Add(type))
        {
            return;
        }

        into.Append('{');
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null)
                     .OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            into.Append(property.Name.ToLower(CultureInfo.InvariantCulture)).Append(':');
            Describe(property.PropertyType, into, seen);
            into.Append(';');
        }

        into.Append('}');
        seen.Remove(type);
    }
}
