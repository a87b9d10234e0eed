using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.Archiver;

/// <summary>
/// Exclude patterns, as restic reads them: <c>*</c> and <c>?</c> stay within one path element, <c>**</c> spans
/// several. A pattern starting with <c>/</c> is anchored at the root; any other pattern matches at any depth
/// (so <c>*.tmp</c> or <c>cache</c> match a name anywhere). A matching folder is skipped with all it holds.
/// </summary>
public sealed class ExcludeMatcher
{
    private readonly Regex[] _patterns;

    public ExcludeMatcher(IEnumerable<string> patterns) =>
        _patterns = patterns.Where(p => p.Length > 0).Select(Compile).ToArray();

    public bool IsEmpty => _patterns.Length == 0;

    private static Regex Compile(string pattern)
    {
        var anchored = pattern.StartsWith('/');
        var body = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                body.Append(".*");
                i++;
            }
            else if (c == '*') body.Append("[^/]*");
            else if (c == '?') body.Append("[^/]");
            else body.Append(Regex.Escape(c.ToString()));
        }
        var prefix = anchored ? "^" : "(^|/)";
        return new Regex(prefix + body.ToString().TrimEnd('/') + "$", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    /// <summary>Whether an absolute path (as text) is excluded.</summary>
    public bool IsExcluded(string absolutePath)
    {
        foreach (var r in _patterns)
            if (r.IsMatch(absolutePath)) return true;
        return false;
    }
}
