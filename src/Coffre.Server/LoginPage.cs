using static Coffre.Server.Html;

namespace Coffre.Server;

internal static class LoginPage
{
    /// <param name="user">The user name typed last time (kept after a refusal: the password field gets the focus), or null.</param>
    public static string Render(string application, string action, string formField, string token, string? message, string? adminProblem, string? user = null) => Page($"{application}: log in", $"""
        <h1>Coffre — {E(application)}</h1>
        {(adminProblem is null ? "" : $"<p class=\"note bad\">Login is impossible: {E(adminProblem)}.</p>")}
        {(message is null ? "" : $"<p class=\"bad\" role=\"alert\">{E(message)}</p>")}
        <form method="post" action="{E(action)}">
        <input type="hidden" name="{E(formField)}" value="{E(token)}">
        <p><label>User<br><input name="user" autocomplete="username" required value="{E(user)}"{(string.IsNullOrEmpty(user) ? " autofocus" : "")}></label></p>
        <p><label>Password<br><input name="password" type="password" autocomplete="current-password" required{(string.IsNullOrEmpty(user) ? "" : " autofocus")}></label></p>
        <p><button type="submit">Log in</button></p>
        </form>
        """);
}
