package io.akkube.cluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 2's user story with the real {@code kubectl} against one real akkube: what a user types and
 * what they see. Each test works in its own namespace so the tests stay independent. The same suite
 * runs against the embedded akkube (here) and against a Cassandra cluster of three control-plane
 * members (multi-jvm-tests' KubectlOnClusterIT, a {@link RunsAgainst} subclass).
 */
class KubectlIT {

  @RegisterExtension static final SharedAkkube akkube = SharedAkkube.started();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  /** A namespace with {@code nginxpod} (labelled app=nginx) for the read-only {@code get}s. */
  private static final String WEB = "web";

  private static Kubectl kubectl;

  @BeforeAll
  static void givenNginxPodInWebNamespace() {
    kubectl = akkube.kubectl();
    Kubectl.Result r = kubectl.run("apply", "-f", manifest(WEB, "app: nginx").toString());
    assertThat(r.exitCode()).as("%s", r).isZero();
  }

  /** The two-document file: Namespace {@code ns} and Pod nginxpod (nginx:1.17) in it. */
  private static Path manifest(String ns, String podLabels) {
    String labels = podLabels == null ? "" : "  labels:\n    " + podLabels + "\n";
    String yaml =
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: %s
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: nginxpod
          namespace: %s
        %sspec:
          containers:
          - name: nginx
            image: nginx:1.17
        """
            .formatted(ns, ns, labels);
    Path file = akkube.newDir("manifests").resolve(ns + ".yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static Kubectl.Result ok(String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r;
  }

  @Test
  void createNamespacePrintsCreatedAndTheNamespaceIsActive() {
    // kubectl sends this create as a protobuf body: it needs the server's protobuf decoding.
    Kubectl.Result r = kubectl.run("create", "ns", "qa");
    assertThat(r.exitCode())
        .as("kubectl create ns sends protobuf (needs protobuf request decoding): %s", r)
        .isZero();
    assertThat(r.stdout().trim()).isEqualTo("namespace/qa created");
    assertThat(ok("get", "ns", "qa").rows())
        .element(1)
        .satisfies(
            row -> {
              assertThat(row.get(0)).isEqualTo("qa");
              assertThat(row.get(1)).isEqualTo("Active");
            });
  }

  @Test
  void applyingTheTwoDocumentFileCreatesBothThenLeavesBothUnchanged() {
    Path file = manifest("dev", null);

    Kubectl.Result first = ok("apply", "-f", file.toString());
    assertThat(first.stdoutLines())
        .containsExactly("namespace/dev created", "pod/nginxpod created");

    Kubectl.Result second = ok("apply", "-f", file.toString());
    assertThat(second.stdoutLines())
        .containsExactly("namespace/dev unchanged", "pod/nginxpod unchanged");
  }

  @Test
  void getPodsPrintsTheFamiliarColumnsWithAPendingRow() {
    List<List<String>> rows = ok("get", "pods", "-n", WEB).rows();
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE");
    assertThat(rows.get(1)).hasSize(5);
    assertThat(rows.get(1).subList(0, 4)).containsExactly("nginxpod", "0/1", "Pending", "0");
    assertThat(rows.get(1).get(4)).matches("\\d+[smhd].*");
  }

  @Test
  void getPodsWideAddsIpNodeAndGateColumns() {
    Kubectl.Result r = ok("get", "pods", "-n", WEB, "-o", "wide");
    assertThat(r.rows().get(0))
        .containsExactly(
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
            "NOMINATED",
            "NODE",
            "READINESS",
            "GATES");
    assertThat(r.rows()).hasSize(2);
    assertThat(r.rows().get(1)).hasSize(9);
    assertThat(r.rows().get(1).subList(0, 4)).containsExactly("nginxpod", "0/1", "Pending", "0");
  }

  @Test
  void getPodAsYamlShowsTheDefaultsTheServerFilledIn() throws IOException {
    JsonNode pod = YAML.readTree(ok("get", "pod", "nginxpod", "-n", WEB, "-o", "yaml").stdout());
    JsonNode spec = pod.path("spec");
    assertThat(spec.path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(spec.path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
    assertThat(spec.path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
    assertThat(spec.path("schedulerName").asText()).isEqualTo("default-scheduler");
    assertThat(spec.path("containers").get(0).path("imagePullPolicy").asText())
        .isEqualTo("IfNotPresent");
    assertThat(pod.path("metadata").path("uid").asText()).matches(UUID);
    assertThat(pod.path("metadata").path("resourceVersion").asText()).matches("\\d+");
    assertThat(pod.path("metadata").path("creationTimestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(pod.path("status").path("phase").asText()).isEqualTo("Pending");
  }

  @Test
  void jsonpathPrintsTheUidAsAUuid() {
    Kubectl.Result r = ok("get", "pod", "nginxpod", "-n", WEB, "-o", "jsonpath={.metadata.uid}");
    assertThat(r.stdout()).matches(UUID);
  }

  @Test
  void showLabelsAddsALabelsColumn() {
    List<List<String>> rows = ok("get", "pods", "-n", WEB, "--show-labels").rows();
    assertThat(rows.get(0)).containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS");
    assertThat(rows.get(1).get(0)).isEqualTo("nginxpod");
    assertThat(rows.get(1).get(5)).isEqualTo("app=nginx");
  }

  @Test
  void allNamespacesAddsANamespaceColumn() {
    List<List<String>> rows = ok("get", "pods", "-A").rows();
    assertThat(rows.get(0))
        .containsExactly("NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE");
    assertThat(rows)
        .anySatisfy(
            row ->
                assertThat(row.subList(0, 5))
                    .containsExactly(WEB, "nginxpod", "0/1", "Pending", "0"));
  }

  @Test
  void getNodesShowsEveryNodeReady() {
    List<List<String>> rows = ok("get", "nodes").rows();
    assertThat(rows.get(0)).containsExactly("NAME", "STATUS", "ROLES", "AGE", "VERSION");
    List<List<String>> nodes = rows.subList(1, rows.size());
    assertThat(nodes)
        .extracting(row -> row.get(0))
        .containsExactlyInAnyOrderElementsOf(akkube.nodeNames());
    assertThat(nodes).allSatisfy(row -> assertThat(row.get(1)).isEqualTo("Ready"));
  }

  @Test
  void labelSelectorsFindThePodOnlyWhileItCarriesTheLabel() {
    ok("apply", "-f", manifest("labels", null).toString());

    assertThat(ok("label", "pod", "nginxpod", "-n", "labels", "tier=web").stdout().trim())
        .isEqualTo("pod/nginxpod labeled");
    assertThat(ok("get", "pods", "-n", "labels", "-l", "tier=web").rows())
        .extracting(row -> row.get(0))
        .containsExactly("NAME", "nginxpod");
    Kubectl.Result notWeb = ok("get", "pods", "-n", "labels", "-l", "tier!=web");
    assertThat(notWeb.stdout()).isEmpty();
    assertThat(notWeb.stderr().trim()).isEqualTo("No resources found in labels namespace.");

    assertThat(ok("label", "pod", "nginxpod", "-n", "labels", "tier-").stdout().trim())
        .isEqualTo("pod/nginxpod unlabeled");
    Kubectl.Result afterRemoval = ok("get", "pods", "-n", "labels", "-l", "tier=web");
    assertThat(afterRemoval.stdout()).isEmpty();
    assertThat(afterRemoval.stderr().trim()).isEqualTo("No resources found in labels namespace.");
  }

  @Test
  void createConfigMapFromLiteralsAndReadItBackAsYaml() throws IOException {
    // kubectl sends this create as a protobuf body: it needs the server's protobuf decoding.
    Kubectl.Result r =
        kubectl.run(
            "create", "configmap", "cm1", "-n", WEB, "--from-literal=a=1", "--from-literal=b=2");
    assertThat(r.exitCode())
        .as("kubectl create configmap sends protobuf (needs protobuf request decoding): %s", r)
        .isZero();
    assertThat(r.stdout().trim()).isEqualTo("configmap/cm1 created");

    JsonNode cm = YAML.readTree(ok("get", "cm", "cm1", "-n", WEB, "-o", "yaml").stdout());
    assertThat(cm.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(cm.path("data").path("a").asText()).isEqualTo("1");
    assertThat(cm.path("data").path("b").asText()).isEqualTo("2");
  }

  @Test
  void createGenericSecretRoundTripsItsValueAsBase64() {
    // kubectl sends this create as a protobuf body: it needs the server's protobuf decoding.
    Kubectl.Result r =
        kubectl.run("create", "secret", "generic", "s1", "-n", WEB, "--from-literal=p=x");
    assertThat(r.exitCode())
        .as("kubectl create secret sends protobuf (needs protobuf request decoding): %s", r)
        .isZero();
    assertThat(r.stdout().trim()).isEqualTo("secret/s1 created");

    String encoded = ok("get", "secret", "s1", "-n", WEB, "-o", "jsonpath={.data.p}").stdout();
    assertThat(encoded).isEqualTo("eA==");
    assertThat(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8))
        .isEqualTo("x");
    assertThat(ok("get", "secret", "s1", "-n", WEB, "-o", "jsonpath={.type}").stdout())
        .isEqualTo("Opaque");
  }

  @Test
  void watchSeesAddedModifiedDeletedMadeByAnotherKubectl() {
    ok("apply", "-f", manifest("watch", null).toString());
    try (Kubectl.Background watch =
        kubectl.background("get", "pods", "-w", "-n", "watch", "--output-watch-events")) {
      // The initial list shows nginxpod as ADDED: from then on the watch runs from the list's RV.
      Await.until(
          Duration.ofSeconds(30),
          "the initial list of " + watch,
          () -> watch.lines().stream().anyMatch(l -> l.matches("ADDED\\s+nginxpod\\s.*")));
      assertThat(watch.lines().get(0).trim().split("\\s+"))
          .containsExactly("EVENT", "NAME", "READY", "STATUS", "RESTARTS", "AGE");

      ok("run", "p2", "-n", "watch", "--image=busybox");
      ok("label", "pod", "p2", "-n", "watch", "step=labelled");
      ok("delete", "pod", "p2", "-n", "watch", "--wait=false");

      Await.until(
          Duration.ofSeconds(30),
          "DELETED p2 in " + watch,
          () -> watch.lines().stream().anyMatch(l -> l.matches("DELETED\\s+p2\\s.*")));
      List<String> p2Events =
          watch.lines().stream()
              .map(l -> l.trim().split("\\s+"))
              .filter(cols -> cols.length > 1 && cols[1].equals("p2"))
              .map(cols -> cols[0])
              .toList();
      assertThat(p2Events).as("%s", watch).first().isEqualTo("ADDED");
      assertThat(p2Events).as("%s", watch).last().isEqualTo("DELETED");
      assertThat(p2Events.subList(1, p2Events.size() - 1))
          .as("%s", watch)
          .isNotEmpty()
          .containsOnly("MODIFIED");
    }
  }

  @Test
  void deleteFilePrintsBothDeletionsAndTheNamespaceIsFinalized() {
    Path file = manifest("gone", null);
    ok("apply", "-f", file.toString());

    Kubectl.Result r = ok("delete", "-f", file.toString());
    assertThat(r.stdoutLines())
        .containsExactlyInAnyOrder("namespace \"gone\" deleted", "pod \"nginxpod\" deleted");

    Await.until(
        Duration.ofSeconds(30),
        "namespace gone to be finalized",
        () -> kubectl.run("get", "ns", "gone").exitCode() != 0);
    Kubectl.Result get = kubectl.run("get", "ns", "gone");
    assertThat(get.stderr().trim())
        .isEqualTo("Error from server (NotFound): namespaces \"gone\" not found");
  }

  @Test
  void apiResourcesListsPodsWithTheirShortName() {
    assertThat(ok("api-resources").rows())
        .anySatisfy(row -> assertThat(row).containsExactly("pods", "po", "v1", "true", "Pod"));
  }

  @Test
  void explainPrintsTheFieldsOfLivenessProbe() {
    Kubectl.Result r = ok("explain", "pod.spec.containers.livenessProbe");
    assertThat(r.stdout())
        .contains("KIND:       Pod", "FIELD: livenessProbe <Probe>", "DESCRIPTION:", "FIELDS:");
    assertThat(r.stdout())
        .containsPattern("\\n\\s+exec\\s+<ExecAction>")
        .containsPattern("\\n\\s+httpGet\\s+<HTTPGetAction>")
        .containsPattern("\\n\\s+tcpSocket\\s+<TCPSocketAction>")
        .containsPattern("\\n\\s+initialDelaySeconds\\s+<integer>")
        .containsPattern("\\n\\s+periodSeconds\\s+<integer>")
        .containsPattern("\\n\\s+failureThreshold\\s+<integer>");
  }

  @Test
  void invalidPodsAreRejectedNamingTheFieldAndNothingIsStored() throws IOException {
    ok("apply", "-f", manifest("invalid", null).toString());
    Path bad = akkube.newDir("manifests").resolve("bad.yaml");
    Files.writeString(
        bad,
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: Bad_Name
          namespace: invalid
        spec:
          containers:
          - name: c
            image: nginx
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: empty
          namespace: invalid
        spec:
          containers: []
        """);

    Kubectl.Result r = kubectl.run("create", "-f", bad.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.stderr())
        .contains(
            "Error from server (Invalid): error when creating \""
                + bad
                + "\": Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\":")
        .contains(
            "Error from server (Invalid): error when creating \""
                + bad
                + "\": Pod \"empty\" is invalid: spec.containers: Required value");

    assertThat(ok("get", "pods", "-n", "invalid").rows())
        .extracting(row -> row.get(0))
        .containsExactly("NAME", "nginxpod");
  }
}
