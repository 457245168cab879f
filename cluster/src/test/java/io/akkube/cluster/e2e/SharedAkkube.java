package io.akkube.cluster.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One akkube per test class (register as a static {@code @RegisterExtension} field). On a failed
 * test it prints the server's stderr tail and keeps its data directory; otherwise the directory is
 * deleted after the class. The process is always destroyed after the class.
 */
final class SharedAkkube implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private final boolean startInBeforeAll;
  private final List<AkkubeProcess> processes = new CopyOnWriteArrayList<>();
  private Path tempDir;
  private AkkubeProcess akkube;
  private Kubectl kubectl;
  private ApiHttp api;
  private volatile boolean failed;

  private SharedAkkube(boolean startInBeforeAll) {
    this.startInBeforeAll = startInBeforeAll;
  }

  /** Starts one server before the class's first test. */
  static SharedAkkube started() {
    return new SharedAkkube(true);
  }

  /** Starts nothing: the tests launch their processes and hand them to {@link #track}. */
  static SharedAkkube manual() {
    return new SharedAkkube(false);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    tempDir = Files.createTempDirectory("akkube-e2e-" + context.getDisplayName() + "-");
    if (startInBeforeAll) {
      akkube = track(AkkubeProcess.start(tempDir.resolve("data")));
      kubectl = new Kubectl(akkube.kubeconfig());
      api = new ApiHttp(akkube);
    }
  }

  AkkubeProcess process() {
    return akkube;
  }

  Kubectl kubectl() {
    return kubectl;
  }

  ApiHttp api() {
    return api;
  }

  /** A fresh directory under this class's temp folder. */
  Path newDir(String name) {
    try {
      return Files.createDirectories(tempDir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Destroys {@code p} after the class and shows its stderr if a test fails. */
  AkkubeProcess track(AkkubeProcess p) {
    processes.add(p);
    return p;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
    for (AkkubeProcess p : processes) {
      System.err.println(
          "=== "
              + context.getDisplayName()
              + " failed; akkube stderr ("
              + p.stderrFile()
              + ", kept) ends with:\n"
              + p.stderrTail(80));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    processes.forEach(AkkubeProcess::close);
    if (!failed && context.getExecutionException().isEmpty() && tempDir != null) {
      try (Stream<Path> paths = Files.walk(tempDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
