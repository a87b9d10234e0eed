using Coffre.Server;

// The application's own site, with Coffre's backups page in its admin area. The "Coffre" section of
// appsettings.json (or Coffre__Repository__Path=... variables) holds the same keys as coffre.json (docs/service.md).
// Try it from the repository root (the sample shop's repository is ./backups, made by ./demo.sh):
//   export COFFRE_PASSWORD="$(cat ~/.config/coffre/demo-password)" Coffre__Server__Admin__PasswordHash="$(echo 'a long password' | coffre serve hash-password)"
//   dotnet run --project samples/webapp --urls http://127.0.0.1:5000   # then open http://127.0.0.1:5000/admin/backups
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddCoffre(builder.Configuration.GetSection("Coffre"), o => o.BaseDirectory = builder.Environment.ContentRootPath);

var app = builder.Build();
app.MapGet("/", () => "The shop's home page.");
app.MapCoffreDashboard("/admin/backups");
app.Run();

/// <summary>The entry point, public for WebApplicationFactory.</summary>
public partial class Program;
