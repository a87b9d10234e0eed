using System.Text.Encodings.Web;

namespace Coffre.Server;

/// <summary>Server-rendered pages: one small stylesheet, readable on a phone, no scripts, every value HTML-encoded.</summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}}</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;line-height:1.4}
        table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem;border-bottom:1px solid #ddd;vertical-align:top}
        .scroll{overflow-x:auto}.ok{color:#067d17}.bad{color:#b00020;font-weight:bold}.note{background:#fff3cd;padding:.6rem;border-radius:.3rem}
        .attention{color:#8a5300;font-weight:bold}.verdict{padding:.6rem;border-radius:.3rem;font-size:1.2rem}.verdict.ok{background:#e6f4ea}.verdict.attention{background:#fff3cd}.verdict.bad{background:#fde7e9}
        form.inline{display:inline}button,a.button{padding:.5rem 1rem;font-size:1rem;min-height:44px;box-sizing:border-box}
        a.button{display:inline-block;background:#f2f2f2;border:1px solid #767676;border-radius:.2rem;color:inherit;text-decoration:none;margin:.2rem 0}input{padding:.4rem;font-size:1rem;max-width:100%}
        a.tap{display:inline-block;min-height:44px;min-width:44px;line-height:44px;padding:0 .4rem;box-sizing:border-box}tr.day th{background:#f4f4f4;font-weight:normal}
        p,li,dd,h1,h2{overflow-wrap:anywhere}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem;font-size:.85rem}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
        </style></head><body>
        {{body}}
        </body></html>
        """;

    public static string Bytes(long? bytes)
    {
        if (bytes is not { } b) return "unknown";
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = b;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{b} B" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v:0.0} {units[u]}");
    }
}
