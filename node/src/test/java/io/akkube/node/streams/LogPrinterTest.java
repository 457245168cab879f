package io.akkube.node.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.streams.LogOptions;
import io.akkube.node.runtime.ContainerLogFormat.Line;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LogPrinterTest {

  private static final byte[] LOG =
      ("2024-05-01T10:00:00.100000000Z stdout F one\n"
              + "2024-05-01T10:00:01Z stderr F two\n"
              + "2024-05-01T10:00:02.5Z stdout P thr\n"
              + "2024-05-01T10:00:02.6Z stdout F ee\n"
              + "2024-05-01T10:00:03.000001Z stdout F four\n")
          .getBytes(StandardCharsets.UTF_8);

  private static String print(LogOptions options) {
    List<Line> lines = LogFileReader.split(LOG, true);
    return new LogPrinter(options).print(LogPrinter.tail(lines, options.tailLines())).utf8String();
  }

  private static LogOptions options() {
    return LogOptions.of("c");
  }

  @Test
  void printsTheContentOfEveryRecordJoiningPartialOnes() {
    assertThat(print(options())).isEqualTo("one\ntwo\nthree\nfour\n");
  }

  @Test
  void tailLinesKeepsTheLastRecords() {
    LogOptions o =
        new LogOptions(
            "c", false, false, Optional.empty(), false, OptionalLong.of(2), OptionalLong.empty());
    assertThat(print(o)).isEqualTo("ee\nfour\n");
    LogOptions zero =
        new LogOptions(
            "c", false, false, Optional.empty(), false, OptionalLong.of(0), OptionalLong.empty());
    assertThat(print(zero)).isEmpty();
  }

  @Test
  void sinceSkipsOlderRecords() {
    LogOptions o =
        new LogOptions(
            "c",
            false,
            false,
            Optional.of(Instant.parse("2024-05-01T10:00:01Z")),
            false,
            OptionalLong.empty(),
            OptionalLong.empty());
    assertThat(print(o)).isEqualTo("two\nthree\nfour\n");
  }

  @Test
  void timestampsArePrefixedAsGoFormatsRfc3339Nano() {
    LogOptions o =
        new LogOptions(
            "c", false, false, Optional.empty(), true, OptionalLong.of(3), OptionalLong.empty());
    assertThat(print(o))
        .isEqualTo(
            "2024-05-01T10:00:02.5Z thr2024-05-01T10:00:02.6Z ee\n2024-05-01T10:00:03.000001Z four\n");
    LogOptions all =
        new LogOptions(
            "c", false, false, Optional.empty(), true, OptionalLong.of(4), OptionalLong.empty());
    assertThat(print(all)).startsWith("2024-05-01T10:00:01Z two\n");
  }

  @Test
  void limitBytesCutsTheOutput() {
    LogOptions o =
        new LogOptions(
            "c", false, false, Optional.empty(), false, OptionalLong.empty(), OptionalLong.of(6));
    assertThat(print(o)).isEqualTo("one\ntw");
  }

  @Test
  void linesWithoutTimeArePrintedAsTheyAre() {
    List<Line> lines =
        LogFileReader.split(
            "mount: failed\n2024-05-01T10:00:00Z stdout F ok\n".getBytes(StandardCharsets.UTF_8),
            true);
    LogOptions o =
        new LogOptions(
            "c",
            false,
            false,
            Optional.of(Instant.parse("2030-01-01T00:00:00Z")),
            true,
            OptionalLong.empty(),
            OptionalLong.empty());
    assertThat(new LogPrinter(o).print(lines).utf8String()).isEqualTo("mount: failed\n");
  }
}
