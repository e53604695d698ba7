package org.btda.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class StatusLineTest {
    @Test
    void lineShowsEveryFigureAndTheContactRateOverTheInterval() {
        StatusFigures before = new StatusFigures(3L, 1000L, 500L, 480L, 7L, 2000L);
        StatusFigures now = new StatusFigures(3L, 1204L, 562L, 530L, 9L, 2600L);
        assertThat(StatusLine.line(now, before, Duration.ofSeconds(5)))
                .isEqualTo("torrents 3 | peers 1,204 | contacts/s 12.4 | observations 530 | downloads 9 | rows 2,600");
    }

    @Test
    void unknownFiguresShowAsQuestionMarksNotZero() {
        StatusFigures now = new StatusFigures(1L, null, null, null, null, 0L);
        assertThat(StatusLine.line(now, StatusFigures.UNKNOWN, Duration.ofSeconds(5)))
                .isEqualTo("torrents 1 | peers ? | contacts/s ? | observations ? | downloads ? | rows 0");
        assertThat(StatusLine.rate(10L, 5L, Duration.ZERO)).isEqualTo("?");
        assertThat(StatusLine.rate(3L, 5L, Duration.ofSeconds(1))).as("counter went back").isEqualTo("0.0");
    }

    @Test
    void summaryGivesTotalsMeanRateAndRunTime() {
        StatusFigures total = new StatusFigures(2L, 12345L, 36000L, 35000L, 42L, 99000L);
        assertThat(StatusLine.summary(total, Duration.ofSeconds(3723)))
                .isEqualTo("btda ran 1h 02m 03s: torrents 2, peers known 12,345, contacts 36,000 (9.7/s),"
                        + " observations 35,000, confirmed downloads 42, rows inserted 99,000");
        assertThat(StatusLine.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(StatusLine.duration(Duration.ofSeconds(185))).isEqualTo("3m 05s");
        assertThat(StatusLine.duration(Duration.ofSeconds(86_400 + 3600 + 61))).isEqualTo("1d 01h 01m 01s");
    }

    @Test
    void terminalOutputRewritesOneLineAndEndsItBeforeTheSummary() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Deque<StatusFigures> figures = new ArrayDeque<>(List.of(
                new StatusFigures(1L, 1L, 10L, 10L, 0L, 5L),
                new StatusFigures(1L, 2L, 30L, 29L, 1L, 9L),
                new StatusFigures(1L, 2L, 40L, 39L, 1L, 12L)));
        StatusReporter r = new StatusReporter(figures::poll, new PrintStream(buf, true, StandardCharsets.UTF_8), true,
                clock::get);
        clock.set(Duration.ofSeconds(2).toNanos());
        r.tick();
        clock.set(Duration.ofSeconds(4).toNanos());
        r.tick();
        clock.set(Duration.ofSeconds(10).toNanos());
        r.close();
        r.close(); // once only
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).isEqualTo(
                "\rtorrents 1 | peers 1 | contacts/s 5.0 | observations 10 | downloads 0 | rows 5\033[K"
                        + "\rtorrents 1 | peers 2 | contacts/s 10.0 | observations 29 | downloads 1 | rows 9\033[K"
                        + "\r\033[K"
                        + "btda ran 10s: torrents 1, peers known 2, contacts 40 (4.0/s), observations 39,"
                        + " confirmed downloads 1, rows inserted 12" + System.lineSeparator());
    }

    @Test
    void nonTerminalOutputPrintsWholeLines() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        StatusFigures f = new StatusFigures(0L, 0L, 0L, 0L, 0L, 0L);
        StatusReporter r = new StatusReporter(() -> f, new PrintStream(buf, true, StandardCharsets.UTF_8), false,
                clock::get);
        clock.set(Duration.ofSeconds(5).toNanos());
        r.tick();
        r.tick();
        r.close();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r").doesNotContain("\033");
        assertThat(out.lines().toList()).hasSize(3)
                .startsWith("torrents 0 | peers 0 | contacts/s 0.0 | observations 0 | downloads 0 | rows 0")
                .last().asString().startsWith("btda ran 5s:");
    }
}
