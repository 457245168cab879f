package io.akkube.node.runtime.process;

import io.akkube.node.runtime.ContainerRuntime.TerminalSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pseudo-terminal for {@code kubectl exec -t}, from util-linux {@code script} (see
 * docs/decisions/0005-exec-pty.md): it allocates the pty, runs the command on it and copies bytes
 * between the pty and its own stdin/stdout, which are our pipes. Resizes are applied with {@code
 * stty -F} on the pty's slave, which also sends SIGWINCH to its foreground process group.
 */
final class Pty {

  private static final Logger log = LoggerFactory.getLogger(Pty.class);

  private Pty() {}

  /**
   * {@code argv} run on a new pty; {@code script -e} exits with the command's exit code. Behind an
   * {@code nsenter … --}, script runs inside the pod's namespaces: the shell's job control then
   * sees the terminal's process groups (it cannot across PID namespaces).
   */
  static List<String> wrap(List<String> argv) {
    int split = argv.get(0).equals("nsenter") ? argv.indexOf("--") + 1 : 0;
    // kubectl sends the terminal's size right after connecting: wait for it (at most a second) so
    // that the command starts with the size set, not 0x0.
    StringBuilder command =
        new StringBuilder(
            "sh -c 'n=0; while [ \"$(stty size)\" = \"0 0\" ] && [ $n -lt 20 ]; do sleep 0.05;"
                + " n=$((n+1)); done; exec \"$@\"' sh");
    for (String a : argv.subList(split, argv.size())) {
      command.append(' ').append(ProcessRuntime.quote(a));
    }
    List<String> wrapped = new ArrayList<>(argv.subList(0, split));
    wrapped.addAll(
        List.of(
            "script",
            "--quiet",
            "--flush",
            "--return",
            "--command",
            command.toString(),
            "/dev/null"));
    return wrapped;
  }

  /** The terminal of the exec process {@code p} (script or the nsenter that runs it). */
  static TerminalSize of(Process p) {
    return (width, height) -> {
      if (width <= 0 || height <= 0) {
        return;
      }
      Optional<Path> tty = Optional.empty();
      // Right after the start, script may not have forked its child yet.
      for (int i = 0; i < 40 && tty.isEmpty() && p.isAlive(); i++) {
        tty = slaveOf(p);
        if (tty.isEmpty()) {
          sleep(25);
        }
      }
      if (tty.isEmpty()) {
        return;
      }
      List<String> stty = new ArrayList<>(List.of("stty", "-F", tty.get().toString()));
      stty.addAll(List.of("cols", Integer.toString(width), "rows", Integer.toString(height)));
      try {
        Process s = new ProcessBuilder(stty).redirectErrorStream(true).start();
        String out = new String(s.getInputStream().readAllBytes());
        if (!s.waitFor(5, TimeUnit.SECONDS) || s.exitValue() != 0) {
          log.debug("stty on {} failed: {}", tty.get(), out);
        }
      } catch (IOException e) {
        log.debug("stty on {} failed: {}", tty.get(), e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** The pty of the command script runs: the first descendant whose stdin is one. */
  private static Optional<Path> slaveOf(Process p) {
    return p.descendants()
        .map(
            d -> {
              try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(d.pid()), "fd", "0"));
              } catch (IOException e) {
                return Path.of("");
              }
            })
        .filter(target -> target.toString().startsWith("/dev/pts/"))
        .findFirst();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
