package io.akkube.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StaticPodsTest {

  private static final byte[] MANIFEST =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers: [{name: app, image: busybox, command: [sleep, '1']}]
      """
          .getBytes();

  @Test
  void aManifestBecomesAPodNamedForTheNodeWithAContentHashAsUid() throws Exception {
    Instant seen = Instant.parse("2026-01-01T00:00:00Z");
    ObjectNode pod =
        StaticPods.fromManifest(Path.of("/etc/pods/web.yaml"), MANIFEST, "Node1", seen);
    assertThat(Json.name(pod)).isEqualTo("web-node1");
    assertThat(Json.namespace(pod)).isEqualTo("default");
    assertThat(pod.path("spec").path("nodeName").asText()).isEqualTo("Node1");
    assertThat(pod.path("spec").path("restartPolicy").asText()).isEqualTo("Always");
    String uid = Json.metaText(pod, "uid");
    assertThat(uid).matches("[0-9a-f]{32}");
    assertThat(pod.at("/metadata/annotations/kubernetes.io~1config.hash").asText()).isEqualTo(uid);
    assertThat(pod.at("/metadata/annotations/kubernetes.io~1config.source").asText())
        .isEqualTo("file");
    assertThat(StaticPods.isStatic(pod)).isTrue();
    assertThat(
            Json.metaText(
                StaticPods.fromManifest(Path.of("/etc/pods/web.yaml"), MANIFEST, "Node1", seen),
                "uid"))
        .as("the same file on the same node")
        .isEqualTo(uid);
    assertThat(
            Json.metaText(
                StaticPods.fromManifest(Path.of("/etc/pods/web.yaml"), MANIFEST, "node2", seen),
                "uid"))
        .isNotEqualTo(uid);
  }

  @Test
  void theMirrorCarriesTheHashAndIsOwnedByTheNode() throws Exception {
    ObjectNode pod = StaticPods.fromManifest(Path.of("/m/web.yaml"), MANIFEST, "n1", Instant.EPOCH);
    ObjectNode node =
        Json.parseObject("{\"metadata\":{\"name\":\"n1\",\"uid\":\"u1\"}}".getBytes());
    ObjectNode mirror = StaticPods.mirrorOf(pod, node);
    assertThat(StaticPods.isMirror(mirror)).isTrue();
    assertThat(StaticPods.isStatic(mirror)).isFalse();
    assertThat(StaticPods.mirrorHash(mirror)).isEqualTo(Json.metaText(pod, "uid"));
    assertThat(Json.metaText(mirror, "uid")).isEmpty();
    assertThat(mirror.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("Node");
    assertThat(mirror.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo("u1");
    assertThat(mirror.has("status")).isFalse();
  }
}
