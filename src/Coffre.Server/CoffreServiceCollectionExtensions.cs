using Coffre.Configuration;
using Coffre.Jobs.Service;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// Hosts Coffre's schedule and dashboard in an ASP.NET Core application (docs/service.md, "Inside an application"):
/// <code>
/// builder.Services.AddCoffre(builder.Configuration.GetSection("Coffre"));
/// app.MapCoffreDashboard("/admin/backups");
/// </code>
/// <c>coffre serve</c> is built the same way (<see cref="CoffreServer.Build"/>), so both run the same code.
/// </summary>
public static class CoffreServiceCollectionExtensions
{
    /// <summary>
    /// Binds <paramref name="section"/> (the keys of coffre.json) and adds the schedule, the jobs and the dashboard's
    /// services. A configuration with problems does not stop the application: nothing is scheduled and the dashboard
    /// lists the problems.
    /// </summary>
    public static IServiceCollection AddCoffre(this IServiceCollection services, IConfiguration section, Action<CoffreHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new CoffreHostOptions();
        configure?.Invoke(options);
        var config = ConfigLoader.FromSection(section, options.BaseDirectory ?? Directory.GetCurrentDirectory());
        var setup = new ServerSetup
        {
            Config = config,
            RunJob = options.RunJob,
            Clock = options.Clock ?? TimeProvider.System,
            TimeZone = options.TimeZone ?? TimeZoneInfo.Local,
            ConfigProblems = [.. ConfigValidator.Validate(config).Select(e => e.ToString())],
        };
        return services.AddCoffre(setup);
    }

    /// <summary>Adds the services of the dashboard and the schedule for <paramref name="setup"/>.</summary>
    public static IServiceCollection AddCoffre(this IServiceCollection services, ServerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(setup);
        services.AddSingleton(setup);
        services.AddSingleton<DashboardRoutes>();
        var runLog = new RunLog(setup.Clock); // the run pages' log lines
        services.AddSingleton(runLog);
        if (setup.RunJob is { } custom)
        {
            services.AddSingleton(new JobQueue(custom, setup.Config, setup.Clock, JobGate.Private())); // the host's jobs take the application's gate themselves
            services.AddSingleton(new LiveJob(null));
        }
        else
        {
            // The engine's runner; its step lines go to the host's log (the systemd journal for coffre serve).
            services.AddSingleton(sp =>
            {
                var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Coffre.Jobs");
                return new ApplicationJobRunner(setup.Config, setup.Clock, setup.Environment) { Output = line => { log.LogInformation("{Step}", line); runLog.Add(line); } };
            });
            services.AddSingleton(sp => new JobQueue(async (kind, ct) => (await sp.GetRequiredService<ApplicationJobRunner>().RunAsync(kind, ct).ConfigureAwait(false)).ExitCode, setup.Config, setup.Clock));
            services.AddSingleton(sp => new LiveJob(sp.GetRequiredService<ApplicationJobRunner>().Progress));
        }
        services.AddSingleton(new AdminAccount(setup.Config.Server.Admin));
        services.AddSingleton(new LoginThrottle(setup.Clock));
        services.AddSingleton(new MetricsToken(setup));
        services.AddSingleton(sp => new LoginJournal(setup, sp.GetService<ILogger<LoginJournal>>()));
        services.AddSingleton(new JournalReader(setup));
        services.AddSingleton(new ReadSession(setup));
        services.AddSingleton<UntrustedProxy>();
        services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new ForwardedClients(setup));
        services.AddSingleton<LoginAlerts>();
        services.AddSingleton<ScheduleService>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleService>());
        services.AddSingleton<HealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<HealthMonitor>());
        services.AddHealthChecks().AddCheck<CoffreHealthCheck>(CoffreHealthCheck.Name, tags: [CoffreHealthCheck.Name]);
        services.AddSingleton<BackgroundJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundJobs>());
        services.AddAntiforgery();
        services.AddAuthentication().AddCookie(CoffreAuthentication.Scheme, o =>
        {
            o.Cookie.Name = CoffreAuthentication.SessionCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure behind https
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        // The paths depend on where MapCoffreDashboard puts the dashboard; options are built at the first request, after it.
        services.AddOptions<CookieAuthenticationOptions>(CoffreAuthentication.Scheme).Configure<DashboardRoutes>((o, routes) =>
        {
            o.Cookie.Path = routes.CookiePath;
            o.LoginPath = routes.Prefix + "/login";
            o.LogoutPath = routes.Prefix + "/logout";
            o.AccessDeniedPath = routes.Prefix + "/login";
        });
        services.AddAuthorizationBuilder().AddPolicy(CoffreAuthentication.Policy, p => p
            .AddAuthenticationSchemes(CoffreAuthentication.Scheme)
            .RequireAuthenticatedUser());
        return services;
    }
}

/// <summary>What <see cref="CoffreServiceCollectionExtensions.AddCoffre(IServiceCollection, IConfiguration, Action{CoffreHostOptions})"/> cannot read from the configuration section.</summary>
public sealed class CoffreHostOptions
{
    /// <summary>The folder relative paths of the section are resolved against (default: the current folder).</summary>
    public string? BaseDirectory { get; set; }

    /// <summary>Runs the jobs; default (null): the engine's job runner (<see cref="ServerSetup.RunJob"/>).</summary>
    public JobRunner? RunJob { get; set; }

    public TimeProvider? Clock { get; set; }

    public TimeZoneInfo? TimeZone { get; set; }
}
