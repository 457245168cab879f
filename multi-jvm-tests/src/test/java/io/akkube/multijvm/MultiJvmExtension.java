package io.akkube.multijvm;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Owns one {@link AkkubeCluster} per test class, on the test JVM's {@link SharedCassandra}: copies
 * every member's log (and Cassandra's) to {@code akkube.logDirectory/<class>/<test>} when a test
 * fails (or the set-up does), and always closes the cluster after the class — the cluster's
 * shutdown hook covers a test JVM that dies first.
 */
final class MultiJvmExtension implements BeforeAllCallback, TestWatcher, AfterAllCallback {

  private final Map<String, String> env;
  private SharedCassandra cassandra;
  private AkkubeCluster cluster;

  MultiJvmExtension(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cassandra = SharedCassandra.of(context);
  }

  /** The class's cluster, created on first use. */
  synchronized AkkubeCluster cluster() throws Exception {
    if (cluster == null) {
      cluster = new AkkubeCluster(env, cassandra);
    }
    return cluster;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    keepLogs(cluster, context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster == null) {
      return;
    }
    if (context.getExecutionException().isPresent()) {
      keepLogs(cluster, context); // a failed @BeforeAll
    }
    cluster.close();
    cluster = null;
  }

  /** Copies the cluster's logs to {@code akkube.logDirectory/<class>/<test or setup>}. */
  static void keepLogs(AkkubeCluster cluster, ExtensionContext context) {
    if (cluster == null) {
      return;
    }
    Path target =
        Path.of(System.getProperty("akkube.logDirectory", "target/multi-jvm-logs"))
            .resolve(context.getRequiredTestClass().getSimpleName())
            .resolve(context.getTestMethod().map(m -> m.getName()).orElse("setup"));
    cluster.collectLogs(target);
    System.err.println("member logs of the failed test copied to " + target.toAbsolutePath());
  }
}
