using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>What every logged-in page needs: who is logged in, the antiforgery field for its forms, and the dashboard's URLs.</summary>
internal sealed record PageContext(string User, string FormField, string Token, Func<string, string> Url)
{
    /// <summary>A POST form with only a button (an action), carrying the antiforgery token.</summary>
    public string ActionButton(string path, string label, string? extra = null) =>
        $"""<form class="inline" method="post" action="{E(Url(path))}"><input type="hidden" name="{E(FormField)}" value="{E(Token)}">{extra}<button>{E(label)}</button></form>""";
}
