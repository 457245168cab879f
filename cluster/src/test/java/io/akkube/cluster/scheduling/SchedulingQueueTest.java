package io.akkube.cluster.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.scheduling.model.PodInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {

  private static final Duration SECOND = Duration.ofSeconds(1);
  private final SchedulingQueue queue =
      new SchedulingQueue(SECOND, Duration.ofSeconds(10), Duration.ofMinutes(5));

  private static ObjectNode pod(String name, int priority) {
    ObjectNode pod = Json.MAPPER.createObjectNode();
    Json.meta(pod).put("name", name).put("namespace", "default").put("uid", name);
    pod.putObject("spec").put("priority", priority).putArray("containers");
    return pod;
  }

  private void add(String name, int priority) {
    ObjectNode p = pod(name, priority);
    queue.addOrUpdate(name, p, PodInfo.of(p), 0);
  }

  @Test
  void activePodsComeOutByPriorityThenInArrivalOrder() {
    add("low-1", 0);
    add("high", 100);
    add("low-2", 0);
    assertThat(queue.pop(0).orElseThrow().uid).isEqualTo("high");
    assertThat(queue.pop(0).orElseThrow().uid).isEqualTo("low-1");
    assertThat(queue.pop(0).orElseThrow().uid).isEqualTo("low-2");
    assertThat(queue.pop(0)).isEmpty();
  }

  @Test
  void backOffStartsAtOneSecondAndDoublesUpToTen() {
    assertThat(SchedulingQueue.backoffDuration(1, SECOND, Duration.ofSeconds(10)))
        .isEqualTo(SECOND);
    assertThat(SchedulingQueue.backoffDuration(2, SECOND, Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(SchedulingQueue.backoffDuration(4, SECOND, Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(8));
    assertThat(SchedulingQueue.backoffDuration(5, SECOND, Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(SchedulingQueue.backoffDuration(60, SECOND, Duration.ofSeconds(10)))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anUnschedulablePodWaitsForAClusterEventAndItsBackOff() {
    add("p", 0);
    var q = queue.pop(0).orElseThrow();
    queue.parkUnschedulable(q, 0);
    queue.flush(SECOND.toNanos() * 2);
    assertThat(queue.hasActive()).as("no event yet, and not 5 minutes").isFalse();

    queue.moveAllUnschedulable(SECOND.toNanos() / 2);
    assertThat(queue.hasActive()).as("still backing off").isFalse();
    queue.flush(SECOND.toNanos());
    assertThat(queue.pop(SECOND.toNanos()).orElseThrow().uid).isEqualTo("p");
  }

  @Test
  void unschedulablePodsAreRetriedAfterFiveMinutesWithoutAnyEvent() {
    add("p", 0);
    queue.parkUnschedulable(queue.pop(0).orElseThrow(), 0);
    queue.flush(Duration.ofMinutes(5).toNanos());
    assertThat(queue.pop(Duration.ofMinutes(5).toNanos())).isPresent();
  }

  @Test
  void aDeletedPodLeavesTheQueue() {
    add("p", 0);
    queue.remove("p");
    assertThat(queue.pop(0)).isEmpty();
    assertThat(queue.size()).isZero();
  }
}
