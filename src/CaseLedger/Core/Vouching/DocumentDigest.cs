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
/// document's JSON as the store serializes it, 64 lower-case hex digits, put in canonical form first
/// (<see cref="CanonicalJson"/>) when its type holds anything whose order a round trip through the
/// store may change (a dictionary, a set, an untyped member); <c>shape</c> is 8 hex digits of SHA-256
/// over the names and types of the members its type serializes, recursively, and of this rule. Two digests of one shape are comparable; when a new version of
/// CaseLedger changes a document's shape, the digests recorded before it are of another shape and are
/// not compared with documents of the new one (the pipeline then folds the case from its events once,
/// and verification compares the document with the events directly).
/// </summary>
public static class DocumentDigest
{
    private static readonly ConcurrentDictionary<Type, string> Shapes = new();
    private static readonly ConcurrentDictionary<Type, bool> Unordered = new();

    /// <summary>
    /// The digest of <paramref name="document"/> as <paramref name="serializer"/> writes it. A type with
    /// no dictionary, set or untyped member serializes its members in one order whatever its values,
    /// so its JSON is hashed as written (a command takes several digests: this keeps them cheap).
    /// </summary>
    public static string Of(object document, ISerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(serializer);
        var json = serializer.ToJson(document);
        var type = document.GetType();
        var text = Unordered.GetOrAdd(type, HoldsUnordered) ? CanonicalJson.Canonicalize(json) : json;
        return ShapeOf(type) + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static bool HoldsUnordered(Type type) => HoldsUnordered(type, []);

    private static bool HoldsUnordered(Type type, HashSet<Type> seen)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(object) || typeof(IDictionary).IsAssignableFrom(type)
            || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d
                && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>) || d == typeof(ISet<>) || d == typeof(IReadOnlySet<>))))
        {
            return true;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type.Namespace == "System" || !seen.Add(type))
        {
            return false;
        }

        if (type.IsArray)
        {
            return HoldsUnordered(type.GetElementType()!, seen);
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            return type.GetGenericArguments().Any(a => HoldsUnordered(a, seen));
        }

        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => HoldsUnordered(p.PropertyType, seen));
    }

    /// <summary>The shape part of a digest: 8 hex digits that change when the type's serialized members change.</summary>
    public static string ShapeOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Shapes.GetOrAdd(type, t =>
        {
            // The rule a digest is taken by is part of its shape, so digests taken by another rule are never compared.
            var description = new StringBuilder("digest-v2;");
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
