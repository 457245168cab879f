package io.akkube.multijvm;

import io.akkube.cluster.e2e.AkkubeUnderTest;
import io.akkube.multijvm.AkkubeCluster.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The cluster configuration of the e2e scenario suite (the cluster module's KubectlIT, run here as
 * KubectlOnClusterIT): three control-plane members on the test JVM's Cassandra, scheduler off like
 * the embedded configuration (the scenarios expect Pending pods). kubectl talks to the first
 * member; the others serve the same objects.
 */
public final class ThreeControlPlanes implements AkkubeUnderTest {

  private AkkubeCluster cluster;

  public ThreeControlPlanes() {}

  @Override
  public Path start(ExtensionContext context, Path dir) throws Exception {
    cluster =
        new AkkubeCluster(Map.of("AKKUBE_SCHEDULER_ENABLED", "false"), SharedCassandra.of(context));
    for (int i = 1; i <= 3; i++) {
      Member m = cluster.member(i, "cp-" + i, "control-plane");
      cluster.start(m);
      cluster.awaitReady(m, Duration.ofMinutes(3));
    }
    cluster.awaitMembership(Duration.ofMinutes(2));
    System.out.println(
        "e2e suite "
            + context.getDisplayName()
            + " against "
            + cluster.controlPlane()
            + " on Cassandra, kubectl to "
            + cluster.controlPlane().get(0));
    return cluster.controlPlane().get(0).kubeconfig();
  }

  @Override
  public List<String> nodeNames() {
    return cluster.controlPlane().stream().map(m -> m.name).toList();
  }

  @Override
  public void failed(ExtensionContext context) {
    MultiJvmExtension.keepLogs(cluster, context);
  }

  @Override
  public void close() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }
}
