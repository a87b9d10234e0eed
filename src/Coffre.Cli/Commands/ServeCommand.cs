using System.CommandLine;
using Coffre.Configuration;
using Coffre.Jobs.Service;
using Coffre.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Coffre.Cli.Commands;

/// <summary>
/// <c>coffre serve [--listen ADDRESS:PORT]</c>: the service (docs/service.md) — the configuration's schedule and an
/// authenticated dashboard with /metrics and /health — until SIGTERM or Ctrl-C. <c>coffre serve hash-password</c>
/// makes the server.admin.passwordHash value.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string?>("--listen") { Description = $"ADDRESS:PORT to listen on (default: server.listen in coffre.json, else {ServerSection.DefaultListen})" };
        var serve = new Command("serve", "Run the schedule and serve the dashboard, /metrics and /health until stopped") { listen };
        CommandRunner.SetAction(serve, async (pr, ct) =>
        {
            var config = AppConfig.Load(pr);
            if (ConfigValidator.Validate(config) is [var first, ..])
                throw new CoffreException($"{config.FilePath}: {first} (coffre config check lists every problem)");
            var address = pr.GetValue(listen) ?? config.Server.Listen ?? ServerSection.DefaultListen;
            // No RunJob: the engine's job runner, so a job is journaled, rotated and alerted exactly as `coffre backup -c FILE` is.
            var setup = new ServerSetup { Config = config, Listen = address };
            await using var app = CoffreServer.Build(setup);
            try { await app.StartAsync(ct); }
            catch (IOException e) { throw new CoffreException($"cannot listen on {address}: {e.InnerException?.Message ?? e.Message}", e); }
            if (!pr.GetValue(GlobalOptions.Quiet)) Console.Error.WriteLine($"coffre: serving {config.Application} on {CoffreServer.Address(app)} (stop with Ctrl-C or SIGTERM)");
            await app.WaitForShutdownAsync(ct);
            return ExitCodes.Ok;
        });

        var hash = new Command("hash-password", "Read a password (asked twice on a terminal, else one line of stdin) and print its hash for server.admin.passwordHash");
        // Not journaled (CommandRunner): it touches no repository, and often runs before coffre.json exists.
        hash.SetAction(pr =>
        {
            try { return HashPassword(); }
            catch (CoffreException e) { return ErrorReporter.Report(e, false); }
        });
        serve.Subcommands.Add(hash);
        return serve;
    }

    private static int HashPassword()
    {
        string password;
        if (Console.IsInputRedirected) password = Console.In.ReadLine() ?? "";
        else
        {
            password = PasswordReader.Prompt("password for the dashboard: ");
            if (PasswordReader.Prompt("again: ") != password) throw new CoffreException("the passwords do not match; run the command again");
        }
        if (password.Length < 8) throw new CoffreException("the password is too short: use at least 8 characters");
        Console.WriteLine(PasswordHash.Create(password));
        return ExitCodes.Ok;
    }
}
