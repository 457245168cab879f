package io.akkube.node.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.StreamType;
import io.akkube.node.runtime.ContainerLogFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DockerApiRuntimeSpecsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void imageNamesAreParsedAndInvalidOnesGetTheKubeletsMessage() {
    ImageReference busybox = ImageReference.parse("busybox").reference().orElseThrow();
    assertThat(busybox.registry()).isEqualTo("docker.io");
    assertThat(busybox.repository()).isEqualTo("library/busybox");
    assertThat(busybox.tag()).isEqualTo("latest");
    ImageReference local =
        ImageReference.parse("127.0.0.1:5/team/app:1.0").reference().orElseThrow();
    assertThat(local.registry()).isEqualTo("127.0.0.1:5");
    assertThat(local.fromImage()).isEqualTo("127.0.0.1:5/team/app");
    assertThat(local.tagOrDigest()).isEqualTo("1.0");
    assertThat(ImageReference.parse("Busybox").error())
        .isEqualTo(
            "Failed to apply default image tag \"Busybox\": couldn't parse image reference"
                + " \"Busybox\": repository name must be lowercase");
    assertThat(ImageReference.parse("bad image").error()).endsWith("invalid reference format");
  }

  @Test
  void pullPolicyDefaultsToAlwaysForLatestOrNoTag() {
    assertThat(ImageReference.defaultPullPolicy("busybox")).isEqualTo("Always");
    assertThat(ImageReference.defaultPullPolicy("busybox:latest")).isEqualTo("Always");
    assertThat(ImageReference.defaultPullPolicy("busybox:1.32.0")).isEqualTo("IfNotPresent");
  }

  @Test
  void commandReplacesEntrypointAndDropsCmdWhileArgsAloneReplaceCmd() {
    assertThat(ContainerSpecs.commandOverride(List.of("sleep"), List.of()))
        .isEqualTo(
            new ContainerSpecs.CommandOverride(
                Optional.of(List.of("sleep")), Optional.of(List.of())));
    assertThat(ContainerSpecs.commandOverride(List.of(), List.of("echo", "hi")))
        .isEqualTo(
            new ContainerSpecs.CommandOverride(
                Optional.empty(), Optional.of(List.of("echo", "hi"))));
    assertThat(ContainerSpecs.commandOverride(List.of(), List.of()))
        .isEqualTo(new ContainerSpecs.CommandOverride(Optional.empty(), Optional.empty()));
  }

  @Test
  void theContainersSecurityContextOverridesThePods() throws Exception {
    JsonNode pod =
        json(
            "{\"spec\":{\"securityContext\":{\"runAsUser\":1000,\"runAsGroup\":3000,"
                + "\"supplementalGroups\":[4000]}}}");
    JsonNode container =
        json(
            "{\"securityContext\":{\"runAsUser\":2000,\"privileged\":true,"
                + "\"readOnlyRootFilesystem\":true,"
                + "\"capabilities\":{\"add\":[\"NET_ADMIN\"],\"drop\":[\"CAP_KILL\"]}}}");
    ContainerSpecs.Security s = ContainerSpecs.security(pod, container);
    assertThat(s.user()).contains("2000:3000");
    assertThat(s.groupAdd()).containsExactly("4000");
    assertThat(s.privileged()).isTrue();
    assertThat(s.readOnlyRootFilesystem()).isTrue();
    assertThat(s.capAdd()).containsExactly("NET_ADMIN");
    assertThat(s.capDrop()).containsExactly("KILL");
  }

  @Test
  void portsArePublishedOnTheNodeAddressAtTheirHostPortOrTheirOwnNumber() throws Exception {
    JsonNode pod =
        json(
            "{\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":80},"
                + "{\"containerPort\":53,\"protocol\":\"UDP\",\"hostPort\":5353}]},"
                + "{\"ports\":[{\"containerPort\":80}]}]}}");
    assertThat(ContainerSpecs.ports(pod, "127.0.0.2", Optional.empty()))
        .containsExactly(
            new ContainerSpecs.Published("127.0.0.2", 80, 80, "tcp"),
            new ContainerSpecs.Published("127.0.0.2", 5353, 53, "udp"));
  }

  @Test
  void withAPodAddressContainerPortsArePublishedThereAndHostPortsAlsoOnTheNode() throws Exception {
    JsonNode pod =
        json(
            "{\"spec\":{\"initContainers\":[{\"ports\":[{\"containerPort\":9000}]}],"
                + "\"containers\":[{\"ports\":[{\"containerPort\":80},"
                + "{\"containerPort\":53,\"protocol\":\"UDP\",\"hostPort\":5353},"
                + "{\"containerPort\":8443,\"hostPort\":443,\"hostIP\":\"127.0.0.9\"}]},"
                + "{\"ports\":[{\"containerPort\":80}]}]}}");
    assertThat(ContainerSpecs.ports(pod, "127.0.0.2", Optional.of("127.244.2.7")))
        .containsExactly(
            new ContainerSpecs.Published("127.244.2.7", 9000, 9000, "tcp"),
            new ContainerSpecs.Published("127.244.2.7", 80, 80, "tcp"),
            new ContainerSpecs.Published("127.244.2.7", 53, 53, "udp"),
            new ContainerSpecs.Published("127.0.0.2", 5353, 53, "udp"),
            new ContainerSpecs.Published("127.244.2.7", 8443, 8443, "tcp"),
            new ContainerSpecs.Published("127.0.0.9", 443, 8443, "tcp"));
  }

  @Test
  void namesAndLabelsAreTheDockershims() {
    assertThat(ContainerSpecs.containerName("POD", "web", "default", "u1", 0))
        .isEqualTo("k8s_POD_web_default_u1_0");
    Map<String, String> labels = ContainerSpecs.labels("n1", "u1", "web", "default", "app", 3);
    assertThat(labels)
        .containsEntry("io.kubernetes.pod.uid", "u1")
        .containsEntry("io.kubernetes.pod.name", "web")
        .containsEntry("io.kubernetes.pod.namespace", "default")
        .containsEntry("io.kubernetes.container.name", "app")
        .containsEntry("io.kubernetes.container.restartCount", "3");
  }

  @Test
  void pullSecretsGiveTheCredentialsOfTheImagesRegistry() throws Exception {
    String config =
        "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
            + Base64.getEncoder().encodeToString("me:secret".getBytes(StandardCharsets.UTF_8))
            + "\"},\"registry.local:5000\":{\"username\":\"u\",\"password\":\"p\"}}}";
    JsonNode secret =
        json(
            "{\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{\".dockerconfigjson\":\""
                + Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8))
                + "\"}}");
    assertThat(RegistryAuths.forRegistry("docker.io", List.of(secret)).orElseThrow())
        .extracting(RegistryAuths.Credentials::username, RegistryAuths.Credentials::password)
        .containsExactly("me", "secret");
    assertThat(
            RegistryAuths.forRegistry("registry.local:5000", List.of(secret))
                .orElseThrow()
                .username())
        .isEqualTo("u");
    assertThat(RegistryAuths.forRegistry("quay.io", List.of(secret))).isEmpty();
  }

  @Test
  void engineLogFramesBecomeCriRecords() {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    LogFollower.Writer writer =
        new LogFollower.Writer(file, Optional.of(Instant.parse("2024-01-01T00:00:00Z")));
    writer.write(
        StreamType.STDOUT, "2023-12-31T23:59:59.5Z old\n".getBytes(StandardCharsets.UTF_8));
    writer.write(
        StreamType.STDOUT, "2024-01-01T00:00:01.25Z hello\n".getBytes(StandardCharsets.UTF_8));
    writer.write(StreamType.STDERR, "2024-01-01T00:00:02Z par".getBytes(StandardCharsets.UTF_8));
    writer.write(StreamType.STDERR, "2024-01-01T00:00:03Z tial\n".getBytes(StandardCharsets.UTF_8));
    String text = file.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .isEqualTo(
            "2024-01-01T00:00:01.25Z stdout F hello\n"
                + "2024-01-01T00:00:02Z stderr P par\n"
                + "2024-01-01T00:00:03Z stderr F tial\n");
    assertThat(ContainerLogFormat.printed(file.toByteArray())).isEqualTo("hello\npartial\n");
  }

  @Test
  void pullDurationsReadLikeGos() {
    assertThat(ImagePuller.goDuration(Duration.ofMillis(523))).isEqualTo("523ms");
    assertThat(ImagePuller.goDuration(Duration.ofMillis(1200))).isEqualTo("1.2s");
    assertThat(ImagePuller.goDuration(Duration.ofMillis(10_000))).isEqualTo("10s");
  }
}
