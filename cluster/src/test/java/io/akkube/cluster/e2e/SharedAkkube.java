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
 * deleted after the class. The process is always destroyed after the class. {@link #started()} runs
 * the embedded akkube unless the class under test names another configuration ({@link
 * RunsAgainst}).
 */
final class SharedAkkube implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  private final boolean startInBeforeAll;
  private final List<AkkubeProcess> processes = new CopyOnWriteArrayList<>();
  private Path tempDir;
  private AkkubeProcess akkube;
  private AkkubeUnderTest underTest;
  private List<String> nodeNames = List.of();
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
  public void beforeAll(ExtensionContext context) throws Exception {
    tempDir = Files.createTempDirectory("akkube-e2e-" + context.getDisplayName() + "-");
    if (!startInBeforeAll) {
      return;
    }
    RunsAgainst configuration = context.getRequiredTestClass().getAnnotation(RunsAgainst.class);
    if (configuration == null) {
      akkube = track(AkkubeProcess.start(tempDir.resolve("data")));
      kubectl = new Kubectl(akkube.kubeconfig());
      api = new ApiHttp(akkube);
      nodeNames = List.of(AkkubeProcess.NODE_NAME);
    } else {
      underTest = configuration.value().getDeclaredConstructor().newInstance();
      kubectl = new Kubectl(underTest.start(context, tempDir.resolve("under-test")));
      nodeNames = List.copyOf(underTest.nodeNames());
    }
  }

  /** The embedded server (null in another configuration). */
  AkkubeProcess process() {
    return akkube;
  }

  /** The Nodes the server lists, all Ready. */
  List<String> nodeNames() {
    return nodeNames;
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
    if (underTest != null) {
      underTest.failed(context);
    }
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
  public void afterAll(ExtensionContext context) throws Exception {
    processes.forEach(AkkubeProcess::close);
    if (underTest != null) {
      if (context.getExecutionException().isPresent()) {
        underTest.failed(context);
      }
      underTest.close();
    }
    if (!failed && context.getExecutionException().isEmpty() && tempDir != null) {
      try (Stream<Path> paths = Files.walk(tempDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
