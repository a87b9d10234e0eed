using Coffre.Repository.Crypto;

/// <summary>
/// A .NET startup hook (it must be this name, in no namespace): with DOTNET_STARTUP_HOOKS naming this assembly, the
/// runtime calls <see cref="Initialize"/> before the coffre command's Main. The integration tests set it so that the
/// keys their commands create use cheap scrypt parameters (<see cref="KeyDerivation.TestParameters"/>); the shipped
/// command has no switch for that. Whoever can set a process's environment can load any code this way anyway.
/// </summary>
internal static class StartupHook
{
    public static void Initialize() => KeyDerivation.NewKeyParameters = KeyDerivation.TestParameters;
}
