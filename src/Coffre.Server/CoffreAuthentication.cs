namespace Coffre.Server;

/// <summary>
/// The dashboard's own cookie scheme and policy. Named, never the default scheme, so an application that hosts the
/// dashboard keeps its own authentication untouched and its users are not Coffre's admin (or the other way round).
/// </summary>
public static class CoffreAuthentication
{
    public const string Scheme = "Coffre";
    public const string Policy = "CoffreAdmin";
    public const string SessionCookie = "coffre-session";
    public const string AntiforgeryCookie = "coffre-csrf";
}
