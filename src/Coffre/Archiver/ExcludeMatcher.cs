using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.Archiver;

/// <summary>
/// Exclude patterns with restic's semantics (its filter package): the pattern and the path are split into
/// elements; each element is a Go <c>filepath.Match</c> glob (<c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>[^x]</c>,
/// <c>\</c> escapes) and <c>**</c> stands for zero or more elements. A pattern starting with <c>/</c> is anchored
/// at the root; any other may match at any depth. A path matches when the pattern matches some run of its
/// elements, so everything inside an excluded folder is excluded too.
/// </summary>
public sealed class ExcludeMatcher
{
    private readonly Part[][] _patterns;

    public ExcludeMatcher(IEnumerable<string> patterns) =>
        _patterns = patterns.Where(p => p.Length > 0).Select(Prepare).ToArray();

    public bool IsEmpty => _patterns.Length == 0;

    /// <summary>
    /// Patterns that belong to one folder (a media folder's <c>exclude</c> list): a relative pattern matches at
    /// any depth below <paramref name="root"/> but never above it, so <c>cache/**</c> cannot exclude a whole
    /// media folder that happens to live under some <c>/home/x/cache/</c>.
    /// </summary>
    public static ExcludeMatcher Within(string root, IEnumerable<string> patterns) =>
        new(patterns.Where(p => p.Length > 0).Select(p => p.StartsWith('/') ? p : root.TrimEnd('/') + "/**/" + p));

    /// <summary>One element of a pattern: a literal, a glob, or <c>**</c>.</summary>
    private sealed record Part(string Text, Regex? Glob, bool AnyDepth)
    {
        public bool Matches(string element) => Glob?.IsMatch(element) ?? element == Text;
    }

    private static Part[] Prepare(string pattern) => Split(Clean(pattern)).Select(e =>
        e == "**" ? new Part(e, null, true)
        : e.IndexOfAny(['*', '?', '[', '\\']) < 0 ? new Part(e, null, false)
        : new Part(e, GlobToRegex(e), false)).ToArray();

    private static string Clean(string p)
    {
        var absolute = p.StartsWith('/');
        var parts = p.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(x => x != ".").ToList();
        return (absolute ? "/" : "") + string.Join('/', parts);
    }

    /// <summary>Like restic's splitPath: an absolute path starts with a "/" element.</summary>
    private static List<string> Split(string p)
    {
        var parts = p.Split('/').ToList();
        if (parts.Count > 0 && parts[0].Length == 0) parts[0] = "/";
        if (parts.Count > 1 && parts[^1].Length == 0) parts.RemoveAt(parts.Count - 1);
        return parts;
    }

    /// <summary>Go's filepath.Match for one element, as a regular expression.</summary>
    private static Regex GlobToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '\\' when i + 1 < glob.Length: sb.Append(Regex.Escape(glob[++i].ToString())); break;
                case '[':
                    var end = glob.IndexOf(']', i + 2);
                    if (end < 0) { sb.Append(@"\["); break; }
                    var body = glob[(i + 1)..end];
                    var negate = body.StartsWith('^');
                    if (negate) body = body[1..];
                    sb.Append('[').Append(negate ? "^" : "").Append(body.Replace(@"\", @"\\").Replace("[", @"\[")).Append(']');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>Whether an absolute path (as text) is excluded.</summary>
    public bool IsExcluded(string absolutePath)
    {
        var elements = Split(absolutePath);
        foreach (var p in _patterns)
            if (Match(p, 0, elements)) return true;
        return false;
    }

    /// <summary>restic's match: <c>**</c> expands to 0..n wildcards; then the parts must equal some run of elements.</summary>
    private static bool Match(Part[] parts, int from, List<string> elements)
    {
        var star = Array.FindIndex(parts, x => x.AnyDepth);
        if (star >= 0)
        {
            // Room for the expansion: the elements not needed by the other parts (later ** may take none).
            var others = parts.Count(x => !x.AnyDepth);
            for (var n = 0; n <= elements.Count - others; n++)
            {
                var expanded = parts[..star]
                    .Concat(Enumerable.Repeat(new Part("*", new Regex("^.*$"), false), n))
                    .Concat(parts[(star + 1)..]).ToArray();
                if (Match(expanded, from, elements)) return true;
            }
            return false;
        }
        if (parts.Length == 0 || parts.Length > elements.Count) return false;
        for (var offset = elements.Count - parts.Length; offset >= 0; offset--)
        {
            var ok = true;
            for (var i = 0; i < parts.Length && ok; i++) ok = parts[i].Matches(elements[offset + i]);
            if (ok) return true;
        }
        return false;
    }
}
