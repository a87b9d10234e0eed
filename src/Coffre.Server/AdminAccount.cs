using System.Security.Cryptography;
using System.Text;
using Coffre.Configuration;

namespace Coffre.Server;

/// <summary>
/// The configured admin (server.admin), or why there is none: a missing or malformed hash does not stop the service
/// (/health and the schedule go on), it makes logging in impossible and the login page says why.
/// </summary>
public sealed class AdminAccount
{
    private readonly PasswordHash? hash;

    public AdminAccount(AdminSection admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        User = admin.User;
        if (string.IsNullOrWhiteSpace(User)) { Problem = "server.admin.user is not set in coffre.json: nobody can log in"; return; }
        try { hash = PasswordHash.Parse(admin.PasswordHash); }
        catch (FormatException e) { Problem = e.Message + ": nobody can log in"; }
    }

    public string? User { get; }

    /// <summary>Why nobody can log in, or null.</summary>
    public string? Problem { get; }

    /// <summary>Whether the user and password are the admin's. Always derives a hash, so a wrong user takes as long as a wrong password.</summary>
    public bool Check(string user, string password)
    {
        if (hash is null) return false;
        var rightUser = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(User!));
        var rightPassword = hash.Verify(password);
        return rightUser & rightPassword;
    }
}
