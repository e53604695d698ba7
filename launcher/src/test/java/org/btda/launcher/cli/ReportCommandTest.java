package org.btda.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;

import org.btda.launcher.Btda;
import org.btda.report.ReportServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code btda report}'s command line (the report itself is tested in the report module). */
class ReportCommandTest {
    @Test
    void parsesItsOptions() {
        CommandLine cl = Btda.commandLine();
        ReportCommand cmd = (ReportCommand) cl.parseArgs("report", "--clickhouse-url", "http://127.0.0.1:18123",
                "--torrent", "0123456789abcdef0123456789abcdef01234567", "--torrent", "89abcdef0123456789abcdef0123456789abcdef",
                "--from", "2025-06-01", "--to", "2025-06-08 12:30", "--out", "/tmp/r.html", "--top", "5")
                .subcommand().commandSpec().userObject();
        assertThat(cmd.clickhouseUrl).isEqualTo("http://127.0.0.1:18123");
        assertThat(cmd.torrents).hasSize(2);
        assertThat(cmd.out).isEqualTo(Path.of("/tmp/r.html"));
        assertThat(cmd.top).isEqualTo(5);
        assertThat(cmd.serve).isFalse();
        assertThat(cmd.port).isEqualTo(ReportServer.DEFAULT_PORT);
    }

    @Test
    void timesAreUtcInThreeForms() {
        assertThat(ReportCommand.time("2025-06-01", "--from")).isEqualTo(Instant.parse("2025-06-01T00:00:00Z"));
        assertThat(ReportCommand.time("2025-06-01 12:30", "--from")).isEqualTo(Instant.parse("2025-06-01T12:30:00Z"));
        assertThat(ReportCommand.time("2025-06-01T12:30:05+02:00", "--from")).isEqualTo(Instant.parse("2025-06-01T10:30:05Z"));
        assertThatThrownBy(() -> ReportCommand.time("yesterday", "--from")).hasMessageContaining("--from");
    }

    @Test
    void badArgumentsAreUserErrorsBeforeAnyQuery() {
        StringWriter err = new StringWriter();
        CommandLine cl = Btda.commandLine();
        cl.setErr(new PrintWriter(err));
        // nothing listens on port 9 of loopback: had it queried, the error would be a connection failure
        int code = cl.execute("report", "--clickhouse-url", "http://127.0.0.1:9", "--torrent", "not-a-hash");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("not an info hash");
        code = cl.execute("report", "--clickhouse-url", "http://127.0.0.1:9", "--from", "2025-06-02", "--to", "2025-06-01");
        assertThat(code).isEqualTo(2);
    }
}
