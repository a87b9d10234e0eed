using System.Text;
using Coffre.Sources.MySql;

namespace Coffre.Tests.Sources.MySql;

public class DefinerStrippingStreamTests
{
    private const string Dump = """
        -- MariaDB dump 10.19  Distrib 10.11.6-MariaDB
        /*!40101 SET NAMES utf8mb4 */;
        INSERT INTO `t` VALUES (1,'DEFINER=`x`@`y` stays in data'),(2,'CREATE DEFINER=`a`@`b` too');
        /*!50001 CREATE ALGORITHM=UNDEFINED */
        /*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */
        /*!50001 VIEW `cheap` AS select 1 AS `id` */;
        /*!50003 CREATE*/ /*!50017 DEFINER=`ap``p`@`localhost`*/ /*!50003 TRIGGER items_audit AFTER UPDATE ON items FOR EACH ROW INSERT INTO audit VALUES (1) */;;
        CREATE DEFINER=`app`@`%` PROCEDURE `add_item`(IN p_name VARCHAR(200))
        INSERT INTO items (name, price) VALUES (p_name, 1) ;;
        /*!50106 CREATE*/ /*!50117 DEFINER=`app`@`%`*/ /*!50106 EVENT `nightly` ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit */ ;;
        CREATE DEFINER=root@localhost FUNCTION f() RETURNS INT RETURN 1
        """;

    private const string Expected = """
        -- MariaDB dump 10.19  Distrib 10.11.6-MariaDB
        /*!40101 SET NAMES utf8mb4 */;
        INSERT INTO `t` VALUES (1,'DEFINER=`x`@`y` stays in data'),(2,'CREATE DEFINER=`a`@`b` too');
        /*!50001 CREATE ALGORITHM=UNDEFINED */
        /*!50013 SQL SECURITY DEFINER */
        /*!50001 VIEW `cheap` AS select 1 AS `id` */;
        /*!50003 CREATE*/ /*!50017 */ /*!50003 TRIGGER items_audit AFTER UPDATE ON items FOR EACH ROW INSERT INTO audit VALUES (1) */;;
        CREATE PROCEDURE `add_item`(IN p_name VARCHAR(200))
        INSERT INTO items (name, price) VALUES (p_name, 1) ;;
        /*!50106 CREATE*/ /*!50117 */ /*!50106 EVENT `nightly` ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit */ ;;
        CREATE FUNCTION f() RETURNS INT RETURN 1
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void Definer_clauses_go_and_data_lines_stay_whatever_the_read_sizes(int chunk)
    {
        using var input = new TrickleStream(Encoding.UTF8.GetBytes(Dump), chunk);
        using var filter = new DefinerStrippingStream(input);
        using var output = new MemoryStream();
        var buffer = new byte[Math.Max(1, chunk / 2)];
        int n;
        while ((n = filter.Read(buffer, 0, buffer.Length)) > 0) output.Write(buffer, 0, n);
        Assert.Equal(Expected, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void A_long_data_line_streams_through_unchanged()
    {
        var line = "INSERT INTO `b` VALUES (" + new string('x', 5 << 20) + ");\n";
        using var filter = new DefinerStrippingStream(new MemoryStream(Encoding.ASCII.GetBytes(line)));
        using var output = new MemoryStream();
        filter.CopyTo(output);
        Assert.Equal(line.Length, output.Length);
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, to cut lines at every place.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
