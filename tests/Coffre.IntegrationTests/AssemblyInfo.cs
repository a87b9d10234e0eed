[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
// The browser tests reuse the served sample application and the process helpers.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Coffre.EndToEndTests")]
