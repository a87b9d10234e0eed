using static Coffre.Server.Html;

namespace Coffre.Server;

internal static class LoginPage
{
    public static string Render(string application, string action, string formField, string token, string? message, string? adminProblem) => Page($"{application}: log in", $"""
        <h1>Coffre — {E(application)}</h1>
        {(adminProblem is null ? "" : $"<p class=\"note bad\">Login is impossible: {E(adminProblem)}.</p>")}
        {(message is null ? "" : $"<p class=\"bad\">{E(message)}</p>")}
        <form method="post" action="{E(action)}">
        <input type="hidden" name="{E(formField)}" value="{E(token)}">
        <p><label>User<br><input name="user" autocomplete="username" required></label></p>
        <p><label>Password<br><input name="password" type="password" autocomplete="current-password" required></label></p>
        <p><button type="submit">Log in</button></p>
        </form>
        """);
}
