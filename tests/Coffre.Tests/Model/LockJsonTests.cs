using System.Runtime.Versioning;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;

namespace Coffre.Tests.Model;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class LockJsonTests
{
    // §9 observed lock.
    private const string Observed =
        """{"time":"2026-11-21T10:24:07.658276236Z","exclusive":false,"hostname":"vm","username":"root","pid":25330}""";

    [Fact]
    public void ObservedLockRoundTrips()
    {
        var l = LockJson.Parse(Encoding.UTF8.GetBytes(Observed));
        Assert.Equal(new LockInfo(GoTime.Parse("2026-11-21T10:24:07.658276236Z"), false, "vm", "root", 25330, 0, 0), l);
        Assert.Equal(Observed, Encoding.UTF8.GetString(LockJson.Serialize(l)));
    }

    [Fact]
    public void UidGidWhenNonZero()
    {
        var l = new LockInfo(GoTime.Parse("2026-11-21T11:24:07+01:00"), true, "h<", "u", 1, 1000, 1001);
        const string Expected =
            """{"time":"2026-11-21T11:24:07+01:00","exclusive":true,"hostname":"h\u003c","username":"u","pid":1,"uid":1000,"gid":1001}""";
        Assert.Equal(Expected, Encoding.UTF8.GetString(LockJson.Serialize(l)));
        Assert.Equal(l, LockJson.Parse(Encoding.UTF8.GetBytes(Expected)));
    }

    [Fact]
    public void ParseIsTolerant()
    {
        var l = LockJson.Parse("{\"PID\": 5, \"other\": [true], \"hostname\": null}"u8);
        Assert.Equal(5, l.Pid);
        Assert.Equal("", l.Hostname);
        Assert.Equal(GoTime.Zero, l.Time);
        Assert.Throws<InvalidDataException>(() => LockJson.Parse("{\"pid\":\"x\"}"u8));
        Assert.Throws<InvalidDataException>(() => LockJson.Parse("{\"exclusive\":1}"u8));
    }
}
