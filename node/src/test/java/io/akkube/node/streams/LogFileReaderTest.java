package io.akkube.node.streams;

import static org.assertj.core.api.Assertions.assertThat;

import akka.util.ByteString;
import io.akkube.core.streams.LogOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileReaderTest {

  @TempDir Path dir;

  @Test
  void readsTheRotatedFileFirst() throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(dir.resolve("0.log.1"), "2024-05-01T10:00:00Z stdout F old\n");
    Files.writeString(log, "2024-05-01T10:00:01Z stdout F new\n");
    LogFileReader reader = new LogFileReader(log, LogOptions.of("c"), () -> false);
    assertThat(reader.next()).map(ByteString::utf8String).contains("old\nnew\n");
    assertThat(reader.next()).isEmpty();
  }

  @Test
  void followingSendsAppendedLinesUntilTheContainerEnds() throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, "2024-05-01T10:00:00Z stdout F first\n");
    AtomicBoolean running = new AtomicBoolean(true);
    LogOptions follow =
        new LogOptions(
            "c", true, false, Optional.empty(), false, OptionalLong.of(5), OptionalLong.empty());
    LogFileReader reader = new LogFileReader(log, follow, running::get);
    assertThat(reader.next()).map(ByteString::utf8String).contains("first\n");
    Files.writeString(log, "2024-05-01T10:00:01Z stdout F sec", StandardOpenOption.APPEND);
    assertThat(reader.next()).map(ByteString::utf8String).contains("");
    Files.writeString(log, "ond\n", StandardOpenOption.APPEND);
    assertThat(reader.next()).map(ByteString::utf8String).contains("second\n");
    running.set(false);
    assertThat(reader.next()).isEmpty();
  }
}
