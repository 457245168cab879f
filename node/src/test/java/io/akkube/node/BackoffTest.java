package io.akkube.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff kubernetes = Backoff.KUBERNETES;

  @Test
  void firstRestartIsImmediateThenDoublesFromTenSecondsToFiveMinutes() {
    List<Long> delays = new ArrayList<>();
    Duration window = Duration.ZERO;
    for (int i = 0; i < 8; i++) {
      Backoff.Step step = kubernetes.next(window, Duration.ofSeconds(1));
      delays.add(step.delay().toSeconds());
      window = step.window();
    }
    assertThat(delays).containsExactly(0L, 10L, 20L, 40L, 80L, 160L, 300L, 300L);
  }

  @Test
  void aContainerThatRanTenMinutesStartsOver() {
    Backoff.Step step = kubernetes.next(Duration.ofSeconds(300), Duration.ofMinutes(10));
    assertThat(step.delay()).isZero();
    assertThat(step.window()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void shortenedSettingsForTests() {
    Backoff fast = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofMinutes(1));
    Duration window = Duration.ZERO;
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Backoff.Step step = fast.next(window, Duration.ZERO);
      delays.add(step.delay().toSeconds());
      window = step.window();
    }
    assertThat(delays).containsExactly(0L, 1L, 2L, 4L, 4L);
  }
}
