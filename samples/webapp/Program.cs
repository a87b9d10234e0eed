using Coffre.Server;

// The application's own site, with Coffre's backups page in its admin area. The "Coffre" section of
// appsettings.json (or Coffre__Repository__Path=... variables) holds the same keys as coffre.json.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddCoffre(builder.Configuration.GetSection("Coffre"), o => o.BaseDirectory = builder.Environment.ContentRootPath);

var app = builder.Build();
app.MapGet("/", () => "The shop's home page.");
app.MapCoffreDashboard("/admin/backups");
app.Run();

/// <summary>The entry point, public for WebApplicationFactory.</summary>
public partial class Program;
