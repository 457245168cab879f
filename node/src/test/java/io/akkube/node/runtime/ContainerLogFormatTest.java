package io.akkube.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContainerLogFormatTest {

  @Test
  void parsesCriRecords() {
    ContainerLogFormat.Line line =
        ContainerLogFormat.parse(
            "2016-10-06T00:17:09.669794202Z stderr P a b ".getBytes(StandardCharsets.UTF_8));
    assertThat(line.time()).contains(Instant.parse("2016-10-06T00:17:09.669794202Z"));
    assertThat(line.stream()).isEqualTo("stderr");
    assertThat(line.partial()).isTrue();
    assertThat(line.text()).isEqualTo("a b ");
  }

  @Test
  void aLineThatIsNoRecordIsAFullLineWithoutTime() {
    ContainerLogFormat.Line line =
        ContainerLogFormat.parse("hello world from sh".getBytes(StandardCharsets.UTF_8));
    assertThat(line.time()).isEmpty();
    assertThat(line.partial()).isFalse();
    assertThat(new String(line.printed(), StandardCharsets.UTF_8))
        .isEqualTo("hello world from sh\n");
  }

  @Test
  void formatsTimesLikeGoRfc3339Nano() {
    assertThat(ContainerLogFormat.formatTime(Instant.parse("2024-01-02T03:04:05Z")))
        .isEqualTo("2024-01-02T03:04:05Z");
    assertThat(ContainerLogFormat.formatTime(Instant.parse("2024-01-02T03:04:05.120Z")))
        .isEqualTo("2024-01-02T03:04:05.12Z");
    assertThat(ContainerLogFormat.formatTime(Instant.parse("2024-01-02T03:04:05.000000001Z")))
        .isEqualTo("2024-01-02T03:04:05.000000001Z");
  }
}
