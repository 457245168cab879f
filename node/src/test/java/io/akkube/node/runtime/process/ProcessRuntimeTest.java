package io.akkube.node.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.node.runtime.ContainerLogFormat;
import io.akkube.node.runtime.ContainerRuntime.ContainerConfig;
import io.akkube.node.runtime.ContainerRuntime.ContainerExit;
import io.akkube.node.runtime.ContainerRuntime.ContainerHandle;
import io.akkube.node.runtime.ContainerRuntime.Limits;
import io.akkube.node.runtime.ContainerRuntime.Mount;
import io.akkube.node.runtime.ContainerRuntime.Sandbox;
import io.akkube.node.runtime.ContainerRuntime.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real processes (isolated when this machine allows it). */
class ProcessRuntimeTest {

  private Path state;
  private ProcessRuntime runtime;

  @BeforeEach
  void setUp() throws Exception {
    // Not under /tmp: the pods' private /tmp would hide it.
    state = Files.createTempDirectory(Path.of(System.getProperty("user.dir"), "target"), "runtime");
    runtime = new ProcessRuntime(state.resolve("runtime"), 1 << 20, true);
    runtime.createSandbox(new Sandbox("pod1", "ns", "p", "p", state.resolve("pod1")));
  }

  @AfterEach
  void tearDown() throws Exception {
    runtime.removeSandbox("pod1");
    ProcessRuntime.deleteTree(state);
  }

  private ContainerConfig config(String name, List<Mount> mounts, String... command) {
    return new ContainerConfig(
        "pod1",
        name,
        0,
        List.of(command),
        Map.of("GREETING", "hello"),
        "",
        mounts,
        Limits.NONE,
        state.resolve("pod1/logs/" + name + "/0.log"),
        "p");
  }

  private String printed(String container) throws Exception {
    Path log = state.resolve("pod1/logs/" + container + "/0.log");
    return Files.exists(log) ? ContainerLogFormat.printed(Files.readAllBytes(log)) : "";
  }

  /** Polls {@code condition} until it holds, failing after 20 s. */
  private static void awaitUntil(String what, java.util.concurrent.Callable<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  private ContainerExit await(ContainerHandle h) throws Exception {
    return runtime.completion(h).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aStateDirUnderTmpAndAVolumeMountedOverItHideNothingFromTheWrapper() throws Exception {
    // The node's state under /tmp (replaced by the pod's private /tmp) and a volume mounted over
    // the directory holding it: exit code and log must still reach the host.
    Path tmpState = Files.createTempDirectory(Path.of("/tmp"), "akkube-runtime-");
    try {
      ProcessRuntime underTmp = new ProcessRuntime(tmpState.resolve("runtime"), 1 << 20, true);
      underTmp.createSandbox(new Sandbox("pod2", "ns", "q", "q", tmpState.resolve("pod2")));
      Path vol = Files.createDirectories(state.resolve("vol"));
      Files.writeString(vol.resolve("data"), "from-volume\n");
      Path log = tmpState.resolve("pod2/logs/c/0.log");
      ContainerConfig config =
          new ContainerConfig(
              "pod2",
              "c",
              0,
              List.of("sh", "-c", "cat " + tmpState + "/data; ls /tmp; exit 4"),
              Map.of(),
              "",
              List.of(new Mount(vol, tmpState.toString(), true)),
              Limits.NONE,
              log,
              "q");
      ContainerHandle h = underTmp.start(config);
      assertThat(underTmp.completion(h).toCompletableFuture().get(20, TimeUnit.SECONDS).exitCode())
          .isEqualTo(4);
      String printed = ContainerLogFormat.printed(Files.readAllBytes(log));
      assertThat(printed).startsWith("from-volume\n");
      if (underTmp.isolates()) {
        // the pod's /tmp is its own: only the volume's mount point is in it
        assertThat(printed).isEqualTo("from-volume\n" + tmpState.getFileName() + "\n");
      }
      underTmp.removeSandbox("pod2");
    } finally {
      ProcessRuntime.deleteTree(tmpState);
    }
  }

  @Test
  void exitCodeAndLogFile() throws Exception {
    ContainerHandle h = runtime.start(config("c", List.of(), "sh", "-c", "echo $GREETING; exit 3"));
    assertThat(await(h).exitCode()).isEqualTo(3);
    assertThat(ContainerLogFormat.printed(Files.readAllBytes(state.resolve("pod1/logs/c/0.log"))))
        .isEqualTo("hello\n");
  }

  @Test
  void termReachesTheCommandAndKillEndsItAll() throws Exception {
    ContainerHandle h =
        runtime.start(
            config(
                "c",
                List.of(),
                "sh",
                "-c",
                "trap 'echo got-term; exit 7' TERM; echo armed; while true; do sleep 0.1; done"));
    awaitUntil("the trap is armed", () -> printed("c").contains("armed"));
    runtime.signal(h, Signal.TERM);
    assertThat(await(h).exitCode()).isEqualTo(7);
    assertThat(Files.readString(state.resolve("pod1/logs/c/0.log"))).contains("got-term");
    ContainerHandle stubborn =
        runtime.start(config("d", List.of(), "sh", "-c", "trap '' TERM; sleep 600"));
    assertThat(runtime.running()).contains(stubborn);
    runtime.signal(stubborn, Signal.KILL);
    assertThat(await(stubborn).exitCode()).isEqualTo(137);
  }

  @Test
  void execSeesThePrivateTmpAndMountsWhenIsolated() throws Exception {
    Path vol = Files.createDirectories(state.resolve("pod1/volumes/data"));
    Files.writeString(vol.resolve("f"), "from-volume");
    ContainerHandle a =
        runtime.start(
            config(
                "a",
                List.of(new Mount(vol, "/var/akkube-test-data", true)),
                "sh",
                "-c",
                "touch /tmp/only-a; sleep 600"));
    ContainerHandle b = runtime.start(config("b", List.of(), "sleep", "600"));
    if (runtime.isolates()) {
      awaitUntil(
          "a's marker exists",
          () ->
              runtime
                      .exec(a, List.of("test", "-e", "/tmp/only-a"), Duration.ofSeconds(5))
                      .exitCode()
                  == 0);
      assertThat(
              runtime
                  .exec(a, List.of("test", "-e", "/tmp/only-a"), Duration.ofSeconds(5))
                  .exitCode())
          .isZero();
      assertThat(
              runtime
                  .exec(b, List.of("test", "-e", "/tmp/only-a"), Duration.ofSeconds(5))
                  .exitCode())
          .isNotZero();
      assertThat(
              runtime
                  .exec(a, List.of("cat", "/var/akkube-test-data/f"), Duration.ofSeconds(5))
                  .output())
          .isEqualTo("from-volume");
      assertThat(
              runtime
                  .exec(
                      a,
                      List.of("sh", "-c", "echo x > /var/akkube-test-data/g"),
                      Duration.ofSeconds(5))
                  .exitCode())
          .isNotZero();
      assertThat(runtime.exec(a, List.of("cat", "/etc/hostname"), Duration.ofSeconds(5)).exitCode())
          .isZero();
    }
    assertThat(
            runtime.exec(a, List.of("sh", "-c", "echo $GREETING"), Duration.ofSeconds(5)).output())
        .isEqualTo("hello\n");
    assertThat(runtime.exec(a, List.of("sleep", "5"), Duration.ofMillis(300)).timedOut()).isTrue();
  }

  @Test
  void aNewRuntimeAdoptsLiveContainers() throws Exception {
    ContainerHandle h = runtime.start(config("c", List.of(), "sleep", "600"));
    ProcessRuntime restarted = new ProcessRuntime(state.resolve("runtime"), 1 << 20, true);
    assertThat(restarted.running()).containsExactly(h);
    restarted.signal(h, Signal.KILL);
    assertThat(restarted.completion(h).toCompletableFuture().get(20, TimeUnit.SECONDS).exitCode())
        .isEqualTo(137);
  }
}
