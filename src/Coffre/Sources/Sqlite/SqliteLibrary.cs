using System.Reflection;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Coffre.Sources.Sqlite;

/// <summary>
/// The SQLite library under Microsoft.Data.Sqlite: the system's (Debian's <c>libsqlite3.so.0</c>), so no native file
/// is shipped. SQLitePCLRaw's <c>provider.sqlite3</c> asks for <c>sqlite3</c>, which the loader would look for as
/// <c>libsqlite3.so</c>, a name only Debian's <c>-dev</c> package installs: a DllImport resolver maps it to the
/// runtime library's name. A host that already chose a provider (a bundled SQLite, say) keeps it.
/// </summary>
internal static class SqliteLibrary
{
    /// <summary>The system library's file name (Debian package <c>libsqlite3-0</c>).</summary>
    public const string SystemLibrary = "libsqlite3.so.0";

    private static readonly Lazy<bool> Ready = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Sets the provider once per process; every SQLite call of Coffre goes after this.</summary>
    public static void EnsureReady() => _ = Ready.Value;

    /// <summary>The library's version (<c>sqlite3_libversion</c>), e.g. <c>3.40.1</c>.</summary>
    public static string Version
    {
        get
        {
            EnsureReady();
            return raw.sqlite3_libversion().utf8_to_string();
        }
    }

    /// <summary>The English text of a result code (<c>sqlite3_errstr</c>).</summary>
    public static string ErrorString(int rc)
    {
        EnsureReady();
        return raw.sqlite3_errstr(rc).utf8_to_string();
    }

    private static bool Initialize()
    {
        if (HasProvider())
        {
            return true;
        }
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(SQLite3Provider_sqlite3).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The host set a resolver for the provider's assembly already: it decides where sqlite3 comes from.
        }
        raw.SetProvider(new SQLite3Provider_sqlite3());
        return true;
    }

    /// <summary>Whether raw already has a provider (SQLitePCLRaw throws a plain Exception when it has none).</summary>
    private static bool HasProvider()
    {
        try
        {
            _ = raw.sqlite3_libversion_number();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        => name == "sqlite3" ? NativeLibrary.Load(SystemLibrary) : IntPtr.Zero;
}
