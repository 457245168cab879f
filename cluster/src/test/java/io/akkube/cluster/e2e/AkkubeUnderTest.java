package io.akkube.cluster.e2e;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the e2e scenario suite ({@link KubectlIT}) runs against when it is not the embedded default
 * (one process, H2): a public class with a public no-argument constructor, named by {@link
 * RunsAgainst} on a subclass of the suite, e.g. the multi-jvm-tests module's Cassandra cluster. One
 * suite, two configurations (issue 7).
 */
public interface AkkubeUnderTest extends AutoCloseable {

  /**
   * Starts the configuration's akkube ({@code dir}: a directory for working files, if it needs
   * one).
   *
   * @return the kubeconfig kubectl uses
   */
  Path start(ExtensionContext context, Path dir) throws Exception;

  /** The Nodes {@code kubectl get nodes} lists (all Ready once started). */
  List<String> nodeNames();

  /** A test failed: keep whatever helps to understand why (logs). */
  void failed(ExtensionContext context);
}
