package io.akkube.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestartDecisionTest {

  @Test
  void restartPolicies() {
    assertThat(RestartDecision.shouldRestart("Always", 0)).isTrue();
    assertThat(RestartDecision.shouldRestart("Always", 1)).isTrue();
    assertThat(RestartDecision.shouldRestart("OnFailure", 0)).isFalse();
    assertThat(RestartDecision.shouldRestart("OnFailure", 3)).isTrue();
    assertThat(RestartDecision.shouldRestart("Never", 3)).isFalse();
  }

  @Test
  void initContainersRetryOnlyFailuresAndNotUnderNever() {
    assertThat(RestartDecision.shouldRetryInit("Always", 0)).isFalse();
    assertThat(RestartDecision.shouldRetryInit("Always", 1)).isTrue();
    assertThat(RestartDecision.shouldRetryInit("Never", 1)).isFalse();
  }

  @Test
  void terminatedReasons() {
    assertThat(RestartDecision.terminatedReason(0, false)).isEqualTo("Completed");
    assertThat(RestartDecision.terminatedReason(3, false)).isEqualTo("Error");
    assertThat(RestartDecision.terminatedReason(137, true)).isEqualTo("OOMKilled");
  }
}
