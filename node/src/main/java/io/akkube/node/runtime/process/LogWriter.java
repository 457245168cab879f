package io.akkube.node.runtime.process;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a container's output as CRI log records ({@link
 * io.akkube.node.runtime.ContainerLogFormat}): a small perl filter, started by the container's
 * wrapper, reads the command's stdout and stderr through a FIFO and stamps each line with the time
 * it arrived. It lives in the container's process tree, not in the JVM, so an agent restart loses
 * no line (as containerd's shim does for the kubelet). It ignores TERM so that the command's last
 * words still get written; it ends when every writer of the FIFO has. Without perl the output goes
 * to the log file as it is, and the reader treats such lines as records without a time.
 */
final class LogWriter {

  /** Line by line (lines longer than 16 KiB split into partial records); time to microseconds. */
  private static final String FILTER =
      """
      use Time::HiRes qw(time);
      $SIG{TERM} = $SIG{INT} = $SIG{HUP} = "IGNORE";
      $| = 1;
      sub ts {
        my $t = time; my $s = int($t); my @g = gmtime($s);
        sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06d000Z",
          $g[5] + 1900, $g[4] + 1, $g[3], $g[2], $g[1], $g[0], ($t - $s) * 1e6);
      }
      my $b = "";
      while (sysread(STDIN, $b, 65536, length $b)) {
        while ((my $i = index($b, "\\n")) >= 0) {
          print ts(), " stdout F ", substr($b, 0, $i + 1);
          $b = substr($b, $i + 1);
        }
        if (length $b > 16384) { print ts(), " stdout P ", $b, "\\n"; $b = ""; }
      }
      print ts(), " stdout P ", $b, "\\n" if length $b;
      """;

  private static final boolean AVAILABLE = Files.isExecutable(Path.of("/usr/bin/perl"));

  private LogWriter() {}

  /**
   * Shell lines that start {@code "$@"} in the background with its output through the filter (whose
   * output is the wrapper's, the log file); {@code $!} is then the command's pid.
   */
  static String startCommand(Path containerDir) {
    if (!AVAILABLE) {
      return "\"$@\" </dev/null &\n";
    }
    String fifo = ProcessRuntime.quote(containerDir.resolve("output").toString());
    return "rm -f "
        + fifo
        + " && mkfifo "
        + fifo
        + " || exit 126\n"
        + "perl -e "
        + ProcessRuntime.quote(FILTER)
        + " <"
        + fifo
        + " &\n"
        + "logwriter=$!\n"
        + "\"$@\" </dev/null >"
        + fifo
        + " 2>&1 &\n";
  }

  /**
   * Shell lines run after the command's exit code is recorded: give the filter up to a second to
   * write what is still in the FIFO (a child the command left behind may hold it open for longer;
   * it is not waited for, as the kubelet does not wait for it either).
   */
  static String drain() {
    if (!AVAILABLE) {
      return "";
    }
    return "( sleep 1; kill -KILL $logwriter 2>/dev/null ) &\n"
        + "drainlimit=$!\n"
        + "wait $logwriter\n"
        + "kill $drainlimit 2>/dev/null\n";
  }
}
