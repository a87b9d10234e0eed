using System.Diagnostics;
using System.Text;

namespace Coffre.Tests.Fuzz;

/// <summary>
/// Feeds one parser mutated inputs and holds it to its contract: it returns, or throws one of the documented
/// exceptions; nothing else, within a time budget per input and a memory budget per input (bytes the parsing
/// thread allocates). A failure names the parser, the seed, the mutation steps and the input (also saved to a
/// file), so it can be replayed with <see cref="Mutator.Mutate"/>.
/// </summary>
internal sealed class FuzzCampaign(string parser, IReadOnlyList<byte[]> validInputs, Action<byte[]> parse, params Type[] cleanErrors)
{
    /// <summary>Generous for a machine shared by many builds; a parse of a few KB takes microseconds.</summary>
    public TimeSpan PerInputBudget { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Allowed allocation per input: a fixed allowance plus a multiple of the input's size.</summary>
    public long MemoryAllowance { get; init; } = 64L << 20;
    public int MemoryPerInputByte { get; init; } = 64;

    /// <summary>Base seed: the seed of input i is BaseSeed + i (deterministic; change it to explore further).</summary>
    public int BaseSeed { get; init; } = 20261207;

    public sealed record Result(int Inputs, int Accepted, int Refused);

    public Result Run(int count)
    {
        foreach (var valid in validInputs) parse(valid); // the seeds themselves must parse

        int accepted = 0, refused = 0, failed = 0;
        var current = -1;
        var started = Stopwatch.GetTimestamp();
        // Distinct failures (by exception type and throwing frame), the first input of each: the campaign goes on
        // past a failure so one run shows every kind.
        var failures = new Dictionary<string, string>();
        var worker = new Thread(() =>
        {
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var seed = BaseSeed + i;
                    var (input, steps) = Mutator.Mutate(validInputs[i % validInputs.Count], seed);
                    Volatile.Write(ref started, Stopwatch.GetTimestamp());
                    Volatile.Write(ref current, i);
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    try
                    {
                        parse(input);
                        accepted++;
                    }
                    catch (Exception e) when (cleanErrors.Any(t => t.IsInstanceOfType(e)))
                    {
                        refused++;
                    }
                    catch (Exception e)
                    {
                        failed++;
                        var kind = e.GetType().Name + " " + e.StackTrace?.Split('\n')[0].Trim();
                        if (!failures.ContainsKey(kind)) failures.Add(kind, Describe($"unexpected {e.GetType().Name}: {e.Message}\n{e.StackTrace}", seed, steps, input));
                        continue;
                    }
                    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (allocated > MemoryAllowance + (long)MemoryPerInputByte * input.Length)
                    {
                        failed++;
                        if (!failures.ContainsKey("memory")) failures.Add("memory", Describe($"allocated {allocated:N0} bytes for a {input.Length:N0}-byte input", seed, steps, input));
                    }
                }
            }
            finally { Volatile.Write(ref current, int.MaxValue); }
        }, 64 << 20) { IsBackground = true, Name = $"fuzz {parser}" };
        worker.Start();

        while (!worker.Join(50))
        {
            var i = Volatile.Read(ref current);
            if (i < 0 || i == int.MaxValue) continue;
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref started)) > PerInputBudget && Volatile.Read(ref current) == i)
            {
                var (input, steps) = Mutator.Mutate(validInputs[i % validInputs.Count], BaseSeed + i);
                // The worker is a background thread: it is abandoned, the test fails with the input.
                throw new Xunit.Sdk.XunitException(Describe($"still parsing after {PerInputBudget.TotalSeconds} s (hang)", BaseSeed + i, steps, input));
            }
        }
        if (failures.Count > 0)
            throw new Xunit.Sdk.XunitException($"{parser}: {failed} of {count} inputs failed, {failures.Count} kinds; the first input of each:\n\n" + string.Join("\n\n", failures.Values));
        return new Result(count, accepted, refused);
    }

    private string Describe(string problem, int seed, string steps, byte[] input)
    {
        var file = Path.Combine(Path.GetTempPath(), $"coffre-fuzz-{parser.Replace(' ', '-')}-{seed}.bin");
        File.WriteAllBytes(file, input);
        var shown = input.Length <= 600 ? input : input[..600];
        var text = Encoding.UTF8.GetString(shown).Any(c => c == '\uFFFD' || char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            ? "base64 " + Convert.ToBase64String(shown)
            : Encoding.UTF8.GetString(shown);
        return $"{parser}: {problem}\nseed {seed} (base {BaseSeed}), mutations: {steps}\ninput ({input.Length} bytes, saved to {file}): {text}";
    }
}
