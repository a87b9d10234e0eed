using System.Text.Json;
using Coffre.Journal;

namespace Coffre.Tests.Journal;

public class RunRecordTests
{
    private static readonly string[] Keys =
    [
        "operation", "start", "end", "duration_seconds", "application", "repository", "snapshot_id", "bytes_added",
        "bytes_processed", "files", "result", "error", "checked", "copies", "copy_failed", "exit_code", "host", "version",
    ];

    [Fact]
    public void A_record_is_one_line_of_json_with_every_key_even_when_null()
    {
        var run = JournalFolder.Run(FakeClock.At(2026, 1, 29, 9, 42)) with { Application = null, Error = "line one\nline two" };

        var json = run.ToJson();

        Assert.DoesNotContain('\n', json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(Keys, doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("application").ValueKind);
        Assert.Equal("2026-01-29T09:42:00+02:00", doc.RootElement.GetProperty("end").GetString());
        Assert.Equal(3.0, doc.RootElement.GetProperty("duration_seconds").GetDouble());
    }

    [Fact]
    public void A_record_reads_back_as_it_was_written()
    {
        var run = JournalFolder.Run(FakeClock.At(2026, 1, 29), result: RunResults.WrongPassword, error: "wrong password or no key found");

        var back = RunRecord.FromJson(run.ToJson());

        Assert.Equal(run, back);
        Assert.True(back!.Failed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"operation\":\"backup\",\"start\":\"2026-01-29T09:42:00+02:00\",\"end\":\"2026-01")]
    [InlineData("{\"operation\":\"backup\"}")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    public void A_line_that_is_not_a_whole_record_reads_as_null(string line) => Assert.Null(RunRecord.FromJson(line));

    [Theory]
    [InlineData(0, RunResults.Ok)]
    [InlineData(1, RunResults.Failed)]
    [InlineData(3, RunResults.Incomplete)]
    [InlineData(10, RunResults.Failed)]
    [InlineData(11, RunResults.Failed)]
    [InlineData(12, RunResults.WrongPassword)]
    [InlineData(130, RunResults.Interrupted)]
    public void The_result_follows_the_exit_code(int exitCode, string result) => Assert.Equal(result, RunResults.FromExitCode(exitCode));
}
