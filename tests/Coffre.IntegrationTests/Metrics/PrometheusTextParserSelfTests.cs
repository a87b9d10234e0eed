namespace Coffre.IntegrationTests.Metrics;

/// <summary>The test's parser must refuse what is not the format, or the metrics tests could not fail.</summary>
public class PrometheusTextParserSelfTests
{
    [Fact]
    public void A_valid_exposition_is_read_with_its_escapes()
    {
        var families = PrometheusTextParser.Parse(
            "# HELP a_total Runs \\\\ by\\nresult.\n# TYPE a_total counter\na_total{r=\"x\\\"y\\\\z\\nw\",s=\"\"} 3\n"
            + "# TYPE b gauge\nb 1.5e3\nb{k=\"v\"} -Inf\n");

        Assert.Equal(["a_total", "b"], families.Select(f => f.Name));
        Assert.Equal("Runs \\ by\nresult.", families[0].Help);
        Assert.Equal("x\"y\\z\nw", families[0].Samples[0].Labels["r"]);
        Assert.Equal("", families[0].Samples[0].Labels["s"]);
        Assert.Equal(1500, families[1].Samples[0].Value);
        Assert.Equal(double.NegativeInfinity, families[1].Samples[1].Value);
    }

    [Theory]
    [InlineData("a 1\n")]                                             // no TYPE
    [InlineData("# TYPE a gauge\na 1")]                               // no final line feed
    [InlineData("# TYPE a gauge\n\na 1\n")]                           // blank line
    [InlineData("# TYPE a gauge\na 1 1700000000\n")]                  // timestamp
    [InlineData("# TYPE a gauge\na  1\n")]                            // two spaces
    [InlineData("# TYPE a gauge\na 1,5\n")]                           // not a float
    [InlineData("# TYPE a gauge\na{k=\"v\"\n")]                       // no value, unterminated labels
    [InlineData("# TYPE a gauge\na{k=\"v\\t\"} 1\n")]                 // invalid escape
    [InlineData("# TYPE a gauge\na{k=\"v\",} 1\n")]                   // trailing comma
    [InlineData("# TYPE a gauge\na{k=\"v\",k=\"w\"} 1\n")]            // label twice
    [InlineData("# TYPE a gauge\na{__k=\"v\"} 1\n")]                  // reserved label
    [InlineData("# TYPE a gauge\na{k=\"v\"} 1\na{k=\"v\"} 2\n")]      // duplicate series
    [InlineData("# TYPE a gauge\n# TYPE a gauge\na 1\n")]             // TYPE twice
    [InlineData("# TYPE a gauge\n# HELP a late\na 1\n")]              // HELP after TYPE
    [InlineData("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n")]   // family split
    [InlineData("# TYPE a_total counter\na_total -1\n")]              // negative counter
    [InlineData("# TYPE a gauges\na 1\n")]                            // unknown type
    [InlineData("# a free comment\n")]                                // free comment
    [InlineData("# HELP a no type\n")]                                // HELP without TYPE
    [InlineData("# TYPE a gauge\r\na 1\r\n")]                         // CRLF
    [InlineData("# HELP a bad \\q\n# TYPE a gauge\na 1\n")]           // invalid HELP escape
    public void Text_that_is_not_the_format_is_refused(string text)
    {
        Assert.Throws<Xunit.Sdk.XunitException>(() => PrometheusTextParser.Parse(text));
    }
}
