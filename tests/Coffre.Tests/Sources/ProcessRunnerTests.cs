using Coffre.Sources;
using Coffre.Sources.PostgreSql;
using Coffre.Tests.Sources.Sqlite;

namespace Coffre.Tests.Sources;

/// <summary>A tool's error output is read to its end but kept bounded: a hostile dump cannot make Coffre hold it all.</summary>
public sealed class ProcessRunnerTests : IDisposable
{
    private readonly ScratchFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Endless_error_output_is_kept_bounded()
    {
        // 64 MB on stderr: one endless line, then many short lines.
        var r = await ProcessRunner.RunAsync("/bin/sh",
            ["-c", "head -c 32000000 /dev/zero | tr '\\0' x >&2; echo >&2; yes 'ERROR: again' | head -c 32000000 >&2; exit 3"], [], CancellationToken.None);
        Assert.Equal(3, r.ExitCode);
        Assert.True(r.StderrCut);
        Assert.InRange(r.Stderr.Length, ToolProcess.MaxStderrChars, ToolProcess.MaxStderrChars + 200);
        Assert.StartsWith(new string('x', ToolProcess.MaxLineChars) + " [...]\nERROR: again\n", r.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("more characters of error output not kept]", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Short_error_output_is_kept_whole()
    {
        var r = await ProcessRunner.RunAsync("/bin/sh", ["-c", "echo one >&2; printf 'two' >&2"], [], CancellationToken.None);
        Assert.False(r.StderrCut);
        Assert.Equal("one\ntwo", r.Stderr);
    }

    /// <summary>Past the cut, pg_restore's errors are unknown: "only harmless errors" cannot be claimed.</summary>
    [Fact]
    public async Task A_pg_restore_whose_errors_were_cut_fails()
    {
        var bin = _dir.Child("bin");
        Directory.CreateDirectory(bin);
        void Script(string name, string body)
        {
            var path = Path.Combine(bin, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_000_000);
        }
        Script("psql", "exit 0");
        Script("pg_restore", "cat >/dev/null\n"
            + "yes 'pg_restore: error: could not execute query: ERROR:  must be owner of extension plpgsql' | head -n 20000 >&2\n"
            + "echo 'pg_restore: error: could not execute query: ERROR:  relation \"items\" does not exist' >&2\nexit 1");
        var source = new PostgreSqlSource(new PostgreSqlSettings("main", "127.0.0.1", 1, "shop", "app", null, bin));
        var e = await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(new MemoryStream([1, 2, 3]), null, CancellationToken.None));
        Assert.StartsWith("restore into database \"shop\" failed: pg_restore reported more errors than Coffre keeps", e.Message, StringComparison.Ordinal);
    }
}
