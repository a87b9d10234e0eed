using System.Text;
using Coffre.Archives;

namespace Coffre.Tests.Jobs.Archives;

/// <summary>A dump's engine comes from its first bytes, not from its name.</summary>
public class DumpDetectorTests
{
    [Theory]
    [InlineData("PGDMP\u0001\u000e\u0000\u0004\u0008", "postgresql", "pgdump")]
    [InlineData("SQLite format 3\0\u0010\u0000", "sqlite", "sqlite")]
    [InlineData("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n", "mysql", "sql")]
    [InlineData("/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19-11.4.2-MariaDB, for debian-linux-gnu (x86_64)\n", "mysql", "sql")]
    [InlineData("--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n", "postgresql", "sql")]
    [InlineData("CREATE TABLE t(id int);\n", "postgresql", "sql")]
    [InlineData("\u001f\u008b\u0008\u0000\u0000", "unknown", "gz")]
    public void Recognises_the_engine(string head, string engine, string extension)
    {
        Assert.Equal(new DumpKind(engine, extension), DumpDetector.Detect(Encoding.Latin1.GetBytes(head), "gz"));
    }
}
