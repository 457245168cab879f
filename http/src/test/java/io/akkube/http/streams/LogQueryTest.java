package io.akkube.http.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.http.javadsl.model.Query;
import io.akkube.core.api.ApiException;
import io.akkube.core.streams.LogOptions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogQueryTest {

  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

  @Test
  void kubectlParametersBecomeLogOptions() {
    LogOptions o =
        LogQuery.parse(
            Query.create("container=app&follow=true&tailLines=2&sinceSeconds=60&timestamps=true"),
            NOW);
    assertThat(o.container()).isEqualTo("app");
    assertThat(o.follow()).isTrue();
    assertThat(o.tailLines()).hasValue(2);
    assertThat(o.since()).contains(Instant.parse("2024-05-01T09:59:00Z"));
    assertThat(o.timestamps()).isTrue();
    assertThat(o.previous()).isFalse();
    assertThat(LogQuery.parse(Query.create("sinceTime=2024-04-30T00:00:00Z"), NOW).since())
        .contains(Instant.parse("2024-04-30T00:00:00Z"));
  }

  @Test
  void invalidValuesAreRejectedWithTheField() {
    assertThatThrownBy(() -> LogQuery.parse(Query.create("tailLines=-1"), NOW))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("tailLines: Invalid value: -1");
    assertThatThrownBy(
            () ->
                LogQuery.parse(Query.create("sinceSeconds=5&sinceTime=2024-04-30T00:00:00Z"), NOW))
        .hasMessageContaining("at most one of `sinceTime` or `sinceSeconds`");
  }

  @Test
  void execNeedsACommand() {
    assertThatThrownBy(() -> PodStreamsApi.execOptions(Query.create("stdout=true")))
        .hasMessageContaining("you must specify at least 1 command");
    assertThat(
            PodStreamsApi.execOptions(
                    Query.create("command=sh&command=-c&command=exit+3&stdout=true&stderr=true"))
                .command())
        .containsExactly("sh", "-c", "exit 3");
  }
}
