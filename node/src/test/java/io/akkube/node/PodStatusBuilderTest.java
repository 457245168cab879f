package io.akkube.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.node.PodStatusBuilder.ContainerView;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodStatusBuilderTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static ContainerView view(String name, ContainerState state, boolean ready) {
    return new ContainerView(name, "busybox", state, Optional.empty(), ready, ready, 0, "");
  }

  private static ContainerView crashLooping(String name) {
    return new ContainerView(
        name,
        "busybox",
        new ContainerState.Waiting("CrashLoopBackOff", "back-off"),
        Optional.of(new ContainerState.Terminated(1, "Error", "", T0, T0, "process://x")),
        false,
        false,
        2,
        "process://x");
  }

  private static ObjectNode pod(String restartPolicy) {
    ObjectNode pod = Json.MAPPER.createObjectNode();
    Json.meta(pod).put("name", "p").put("namespace", "default").put("uid", "u1");
    pod.putObject("spec").put("restartPolicy", restartPolicy);
    ObjectNode status = pod.putObject("status");
    status.put("qosClass", "BestEffort");
    status
        .putArray("conditions")
        .addObject()
        .put("type", "PodScheduled")
        .put("status", "True")
        .put("lastTransitionTime", "2025-12-31T00:00:00Z");
    return pod;
  }

  @Test
  void phaseFollowsTheKubeletRules() {
    var running = view("a", new ContainerState.Running(T0), true);
    var done = view("a", new ContainerState.Terminated(0, "Completed", "", T0, T0, ""), false);
    var failed = view("a", new ContainerState.Terminated(3, "Error", "", T0, T0, ""), false);
    var creating = view("a", new ContainerState.Waiting("ContainerCreating", ""), false);
    assertThat(PodStatusBuilder.phase(List.of(), List.of(creating), "Always")).isEqualTo("Pending");
    assertThat(PodStatusBuilder.phase(List.of(), List.of(running), "Always")).isEqualTo("Running");
    assertThat(PodStatusBuilder.phase(List.of(), List.of(done), "Never")).isEqualTo("Succeeded");
    assertThat(PodStatusBuilder.phase(List.of(), List.of(failed), "Never")).isEqualTo("Failed");
    assertThat(PodStatusBuilder.phase(List.of(), List.of(failed), "OnFailure"))
        .isEqualTo("Running");
    assertThat(PodStatusBuilder.phase(List.of(), List.of(crashLooping("a")), "Always"))
        .isEqualTo("Running");
    assertThat(PodStatusBuilder.phase(List.of(running), List.of(creating), "Always"))
        .isEqualTo("Pending");
    assertThat(PodStatusBuilder.phase(List.of(failed), List.of(creating), "Never"))
        .isEqualTo("Failed");
  }

  @Test
  void conditionsAddressesAndContainerStatuses() {
    ObjectNode status =
        PodStatusBuilder.build(
            pod("Always"),
            List.of(),
            List.of(view("app", new ContainerState.Running(T0), false)),
            Optional.empty(),
            "127.0.0.1",
            "127.244.1.1",
            T0,
            T0);
    assertThat(status.path("phase").asText()).isEqualTo("Running");
    assertThat(status.path("podIP").asText()).isEqualTo("127.244.1.1");
    assertThat(status.path("podIPs").get(0).path("ip").asText()).isEqualTo("127.244.1.1");
    assertThat(status.path("hostIP").asText()).isEqualTo("127.0.0.1");
    assertThat(status.path("qosClass").asText()).isEqualTo("BestEffort");
    assertThat(status.path("startTime").asText()).isEqualTo("2026-01-01T00:00:00Z");
    var byType = new java.util.HashMap<String, com.fasterxml.jackson.databind.JsonNode>();
    status.path("conditions").forEach(c -> byType.put(c.path("type").asText(), c));
    assertThat(byType.keySet())
        .containsExactlyInAnyOrder("PodScheduled", "Initialized", "Ready", "ContainersReady");
    assertThat(byType.get("PodScheduled").path("lastTransitionTime").asText())
        .isEqualTo("2025-12-31T00:00:00Z");
    assertThat(byType.get("Ready").path("status").asText()).isEqualTo("False");
    assertThat(byType.get("Ready").path("message").asText())
        .isEqualTo("containers with unready status: [app]");
    var cs = status.path("containerStatuses").get(0);
    assertThat(cs.path("state").path("running").path("startedAt").asText())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(cs.path("ready").asBoolean()).isFalse();
  }

  @Test
  void crashLoopShowsWaitingWithLastState() {
    ObjectNode status =
        PodStatusBuilder.build(
            pod("Always"),
            List.of(),
            List.of(crashLooping("app")),
            Optional.empty(),
            "10.0.0.1",
            "10.0.0.1",
            T0,
            T0);
    var cs = status.path("containerStatuses").get(0);
    assertThat(cs.path("state").path("waiting").path("reason").asText())
        .isEqualTo("CrashLoopBackOff");
    assertThat(cs.path("lastState").path("terminated").path("exitCode").asInt()).isEqualTo(1);
    assertThat(cs.path("restartCount").asInt()).isEqualTo(2);
  }

  @Test
  void deadlineVerdictFailsThePod() {
    ObjectNode status =
        PodStatusBuilder.build(
            pod("Always"),
            List.of(),
            List.of(view("app", new ContainerState.Running(T0), true)),
            Optional.of(new PodStatusBuilder.Verdict("Failed", "DeadlineExceeded", "too long")),
            "10.0.0.1",
            "10.0.0.1",
            T0,
            T0);
    assertThat(status.path("phase").asText()).isEqualTo("Failed");
    assertThat(status.path("reason").asText()).isEqualTo("DeadlineExceeded");
  }
}
