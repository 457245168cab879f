package io.akkube.http.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real kubectl against {@link ThrowawayApiServer}: discovery, explain (OpenAPI v3) and get
 * (server-side Table). Skipped where kubectl is not installed.
 */
class KubectlAgainstDocumentsTest {

  private static ThrowawayApiServer server;
  private static Path home;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(kubectl() != null, "kubectl is not on the PATH");
    ObjectNode pod =
        Json.parseObject(
            ("{'metadata':{'name':'web','namespace':'default','creationTimestamp':'"
                    + Instant.now().minusSeconds(200)
                    + "'},'spec':{'nodeName':'node-1','containers':[{'name':'c','image':'nginx'}]},"
                    + "'status':{'phase':'Running','podIPs':[{'ip':'10.0.0.5'}],"
                    + "'containerStatuses':[{'name':'c','ready':true,'restartCount':0,"
                    + "'state':{'running':{}}}]}}")
                .replace('\'', '"')
                .getBytes(StandardCharsets.UTF_8));
    server = new ThrowawayApiServer(List.of(pod));
    home = Files.createTempDirectory("kubectl-home");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void apiResourcesListsTheServedKinds() throws Exception {
    String out = run("api-resources");
    assertThat(out).contains("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND");
    assertThat(out).containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod");
    assertThat(out).containsPattern("nodes\\s+no\\s+v1\\s+false\\s+Node");
  }

  @Test
  void apiVersionsListsV1() throws Exception {
    assertThat(run("api-versions").lines()).contains("v1");
  }

  @Test
  void explainPrintsFieldsWithDescriptions() throws Exception {
    String probe = run("explain", "pod.spec.containers.livenessProbe");
    assertThat(probe).contains("KIND:       Pod", "FIELD: livenessProbe <Probe>");
    assertThat(probe).contains("initialDelaySeconds\t<integer>");
    assertThat(probe).contains("Number of seconds after the container has started");
    String pods = run("explain", "pods");
    assertThat(pods).contains("Pod is a collection of containers", "spec\t<PodSpec>");
  }

  @Test
  void getPrintsTheFamiliarColumns() throws Exception {
    String out = run("get", "pods", "-n", "default");
    assertThat(out).containsPattern("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE");
    assertThat(out).containsPattern("web\\s+1/1\\s+Running\\s+0\\s+3m2\\ds");
    String wide = run("get", "pods", "-n", "default", "-o", "wide");
    assertThat(wide).containsPattern("IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
    assertThat(wide).contains("10.0.0.5", "node-1");
  }

  private static String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(kubectl(), "--server", server.url()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    pb.environment().put("KUBECONFIG", home.resolve("none").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static String kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "kubectl");
      if (f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }
}
