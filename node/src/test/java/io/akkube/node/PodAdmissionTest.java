package io.akkube.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodAdmissionTest {

  private static ObjectNode pod(String name, String ports) {
    return Json.parseObject(
        ("{\"metadata\":{\"name\":\"%s\",\"namespace\":\"default\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"ports\":%s}]}}")
            .formatted(name, ports)
            .getBytes());
  }

  @Test
  void aContainerPortTakenByAnAdmittedPodRejectsTheNewPodAsTheKubeletWords() {
    var taken = List.of(pod("a", "[{\"containerPort\":8080}]"));
    var rejection =
        PodAdmission.admit(pod("b", "[{\"containerPort\":8080}]"), taken, true).orElseThrow();
    assertThat(rejection.phase()).isEqualTo("Failed");
    assertThat(rejection.reason()).isEqualTo("NodePorts");
    assertThat(rejection.message())
        .isEqualTo(
            "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the"
                + " requested pod ports");
  }

  @Test
  void containerPortsCountOnlyWhenPodsShareTheHostNetwork() {
    var taken = List.of(pod("a", "[{\"containerPort\":8080}]"));
    assertThat(PodAdmission.admit(pod("b", "[{\"containerPort\":8080}]"), taken, false)).isEmpty();
    assertThat(
            PodAdmission.admit(pod("b", "[{\"containerPort\":80,\"hostPort\":8080}]"), taken, true))
        .isPresent();
  }

  @Test
  void otherPortsProtocolsAndHostIpsDoNotConflict() {
    var taken = List.of(pod("a", "[{\"containerPort\":8080,\"hostIP\":\"127.0.0.1\"}]"));
    assertThat(PodAdmission.admit(pod("b", "[{\"containerPort\":8081}]"), taken, true)).isEmpty();
    assertThat(
            PodAdmission.admit(
                pod("b", "[{\"containerPort\":8080,\"protocol\":\"UDP\"}]"), taken, true))
        .isEmpty();
    assertThat(
            PodAdmission.admit(
                pod("b", "[{\"containerPort\":8080,\"hostIP\":\"127.0.0.2\"}]"), taken, true))
        .isEmpty();
    assertThat(PodAdmission.admit(pod("b", "[{\"containerPort\":8080}]"), taken, true))
        .as("0.0.0.0 overlaps every address")
        .isPresent();
  }
}
