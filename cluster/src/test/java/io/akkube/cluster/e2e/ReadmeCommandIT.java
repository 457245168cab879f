package io.akkube.cluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's {@code ./akkube up}, run as a user runs it, then plain {@code kubectl}. */
class ReadmeCommandIT {

  @RegisterExtension static final SharedAkkube akkube = SharedAkkube.manual();

  @Test
  void akkubeUpPrintsTheKubeconfigExportThenServesKubectlAndStopsOnSigterm() throws IOException {
    Path dataDir = akkube.newDir("data");
    int port = AkkubeProcess.freePort();
    AkkubeProcess up =
        akkube.track(
            AkkubeProcess.launch(
                dataDir,
                port,
                List.of(
                    "./akkube",
                    "up",
                    "--data-dir",
                    dataDir.toString(),
                    "--api-port",
                    Integer.toString(port)),
                launcherRoot(),
                Map.of("AKKUBE_SKIP_BUILD", "1")));

    List<String> out = up.stdoutLines();
    String export = "export KUBECONFIG=" + dataDir.resolve("kubeconfig");
    assertThat(out).containsSubsequence(export, AkkubeProcess.READY_LINE);
    Path kubeconfig = Path.of(export.substring("export KUBECONFIG=".length()));

    Kubectl.Result ns = new Kubectl(kubeconfig).run("get", "ns");
    assertThat(ns.exitCode()).as("%s", ns).isZero();
    assertThat(ns.rows().get(0)).containsExactly("NAME", "STATUS", "AGE");
    assertThat(ns.rows().subList(1, ns.rows().size()))
        .extracting(row -> row.get(0) + " " + row.get(1))
        .contains(
            "default Active", "kube-system Active", "kube-public Active", "kube-node-lease Active");

    long start = System.nanoTime();
    up.stop();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  /**
   * The repository root when the build used the default {@code target} folder; otherwise a copy of
   * the {@code akkube} script next to a {@code cluster/target} link to this build's folder, so the
   * script finds the jars exactly where the README layout puts them.
   */
  private static Path launcherRoot() throws IOException {
    Path root = AkkubeProcess.repoRoot();
    Path build = AkkubeProcess.buildDirectory().toAbsolutePath().normalize();
    if (build.equals(root.resolve("cluster").resolve("target"))) {
      return root;
    }
    Path shadow = akkube.newDir("launcher");
    Files.copy(root.resolve("akkube"), shadow.resolve("akkube"));
    shadow.resolve("akkube").toFile().setExecutable(true);
    Files.createDirectories(shadow.resolve("cluster"));
    Files.createSymbolicLink(shadow.resolve("cluster").resolve("target"), build);
    return shadow;
  }
}
