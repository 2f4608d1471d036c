namespace CaseLedger.Http;

/// <summary>
/// A query parameter an endpoint reads from the request itself (rather than binding it), declared
/// where the endpoint is, so the API description can list it and the endpoint can refuse any other.
/// </summary>
/// <param name="name">The parameter's name, as written in the query string.</param>
/// <param name="description">What it means, and what it is when left out.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class QueryParameterAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    /// <summary>Whether a request must give it.</summary>
    public bool Required { get; init; }

    /// <summary>Whether it may be given more than once (each value one more of what it names).</summary>
    public bool Repeated { get; init; }

    /// <summary>The JSON Schema type of one value: <c>string</c> or <c>integer</c>.</summary>
    public string Type { get; init; } = "string";

    /// <summary>The format of one value (<c>uuid</c>, <c>date-time</c>, <c>int32</c>), if any.</summary>
    public string? Format { get; init; }

    /// <summary>The values it may take, if they are a fixed few.</summary>
    public string[]? Values { get; init; }

    /// <summary>The least whole number it may be (with <see cref="Type"/> <c>integer</c>).</summary>
    public int Minimum { get; init; } = int.MinValue;

    /// <summary>The greatest whole number it may be (with <see cref="Type"/> <c>integer</c>).</summary>
    public int Maximum { get; init; } = int.MaxValue;

    /// <summary>The value taken when it is left out, if there is one.</summary>
    public string? Default { get; init; }
}
