package io.akkube.cluster.node;

import static io.akkube.cluster.node.Akkube.eventually;
import static io.akkube.cluster.node.Akkube.processes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Static pods ({@code akkube up --pod-manifest-path DIR}): a manifest file runs a pod whose mirror
 * {@code <name>-<node>} is visible in the API; deleting the mirror does not stop the pod (the agent
 * writes a new mirror); removing the file does.
 */
class StaticPodsIT {

  @Test
  void aManifestFileRunsAPodWithAMirrorUntilTheFileIsRemoved() throws Exception {
    Path build = Path.of(System.getProperty("akkube.buildDirectory", "target")).toAbsolutePath();
    Path manifests = Files.createTempDirectory(build, "manifests-");
    try (Akkube akkube =
        Akkube.start(
            "static-it",
            "static-node",
            Map.of("AKKUBE_NODE_FILE_CHECK_FREQUENCY", "2s"),
            "--pod-manifest-path",
            manifests.toString())) {
      Files.writeString(
          manifests.resolve("web.yaml"),
          """
          apiVersion: v1
          kind: Pod
          metadata: {name: web, labels: {tier: static}}
          spec:
            terminationGracePeriodSeconds: 2
            containers:
            - name: app
              image: busybox
              command: [sleep, '7101']
          """);
      eventually(
          Duration.ofSeconds(30),
          "mirror running",
          () -> akkube.row("web-static-node").startsWith("web-static-node 1/1 Running 0"));
      assertThat(processes("sleep 7101")).isEqualTo(1);
      JsonNode mirror = akkube.pod("web-static-node");
      JsonNode annotations = mirror.path("metadata").path("annotations");
      assertThat(annotations.path("kubernetes.io/config.source").asText()).isEqualTo("file");
      assertThat(annotations.path("kubernetes.io/config.mirror").asText())
          .isEqualTo(annotations.path("kubernetes.io/config.hash").asText())
          .isNotEmpty();
      assertThat(mirror.path("metadata").path("ownerReferences").get(0).path("kind").asText())
          .isEqualTo("Node");
      String firstUid = mirror.path("metadata").path("uid").asText();

      System.out.println(akkube.kubectl("delete", "pod", "web-static-node"));
      eventually(
          Duration.ofSeconds(30),
          "a new mirror",
          () -> {
            JsonNode again = akkube.pod("web-static-node");
            return !again.path("metadata").path("uid").asText().equals(firstUid)
                && akkube.row("web-static-node").startsWith("web-static-node 1/1 Running 0");
          });
      System.out.println(akkube.kubectl("get", "pods", "-o", "wide"));
      assertThat(processes("sleep 7101")).as("the pod kept running").isEqualTo(1);

      Files.delete(manifests.resolve("web.yaml"));
      eventually(Duration.ofSeconds(30), "stopped", () -> processes("sleep 7101") == 0);
      eventually(
          Duration.ofSeconds(20),
          "mirror gone",
          () -> !akkube.kubectl("get", "pods").contains("web-static-node"));
    }
  }
}
