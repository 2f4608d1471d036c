using Weasel.Core;

namespace CaseLedger.Core;

/// <summary>
/// How the store writes events and documents as JSON (System.Text.Json, camelCase members, enums by
/// name), in one place: the store is configured with it, and tools that read stored JSON with no store
/// (checking a bundle offline) read it the same way.
/// </summary>
public static class StoreJson
{
    public static Marten.ISerializer Create() => new Marten.Services.SystemTextJsonSerializer { EnumStorage = EnumStorage.AsString, Casing = Casing.CamelCase };
}
