using System.Runtime.CompilerServices;
using Coffre.Repository.Crypto;

namespace Coffre.IntegrationTests;

/// <summary>
/// Keys this test assembly creates in-process use cheap scrypt parameters (the shipped code has no switch for it).
/// The coffre commands the integration tests run get the same through tests/Coffre.TestHooks (see CoffreRunner).
/// </summary>
internal static class CheapTestKeys
{
#pragma warning disable CA2255 // a module initializer is what this is for: before any test creates a key
    [ModuleInitializer]
    internal static void Use() => KeyDerivation.NewKeyParameters = KeyDerivation.TestParameters;
#pragma warning restore CA2255
}
