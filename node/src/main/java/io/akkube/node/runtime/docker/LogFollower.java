package io.akkube.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.akkube.node.runtime.ContainerLogFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a container's output from the engine (its logs endpoint, followed, with timestamps) into
 * the CRI log file the node agent reads ({@link ContainerLogFormat}): each line one {@code F}
 * record, a line the engine has not ended yet a {@code P} record. Resumed after an agent restart,
 * it skips what the file already holds (records up to its last timestamp).
 */
final class LogFollower {

  private LogFollower() {}

  /** Starts following; the future completes once the engine ended the stream (container gone). */
  static CompletableFuture<Void> follow(DockerClient engine, String containerId, Path file) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    OutputStream out;
    Optional<Instant> since;
    try {
      Files.createDirectories(file.getParent());
      since = lastTime(file);
      out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      done.completeExceptionally(e);
      return done;
    }
    Writer writer = new Writer(out, since);
    engine
        .logContainerCmd(containerId)
        .withFollowStream(true)
        .withStdOut(true)
        .withStdErr(true)
        .withTimestamps(true)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                writer.write(frame.getStreamType(), frame.getPayload());
              }

              @Override
              public void onError(Throwable throwable) {
                writer.close();
                done.complete(null);
              }

              @Override
              public void onComplete() {
                writer.close();
                done.complete(null);
              }
            });
    return done;
  }

  /** Turns frames into records; pure except for the stream it appends to. */
  static final class Writer {
    private final OutputStream out;
    private final Optional<Instant> since;

    Writer(OutputStream out, Optional<Instant> since) {
      this.out = out;
      this.since = since;
    }

    synchronized void write(StreamType type, byte[] payload) {
      String stream = type == StreamType.STDERR ? "stderr" : "stdout";
      int start = 0;
      Instant time = null;
      int space = indexOf(payload, (byte) ' ', 0);
      if (space > 19 && space < 40) {
        time = parse(new String(payload, 0, space, StandardCharsets.US_ASCII));
        if (time != null) {
          start = space + 1;
        }
      }
      if (time == null) {
        time = Instant.now();
      } else if (since.isPresent() && !time.isAfter(since.get())) {
        return; // already in the file (a resumed follower)
      }
      String stamp = ContainerLogFormat.formatTime(time);
      try {
        int i = start;
        while (i < payload.length) {
          int nl = indexOf(payload, (byte) '\n', i);
          boolean partial = nl < 0;
          int end = partial ? payload.length : nl;
          out.write(
              (stamp + " " + stream + (partial ? " P " : " F "))
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(Arrays.copyOfRange(payload, i, end));
          out.write('\n');
          i = end + 1;
        }
        out.flush();
      } catch (IOException e) {
        // the pod's directory went away with the pod
      }
    }

    synchronized void close() {
      try {
        out.close();
      } catch (IOException e) {
        // nothing to keep
      }
    }
  }

  /** The time of the file's last record, if any. */
  static Optional<Instant> lastTime(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      Optional<Instant> t =
          ContainerLogFormat.parse(lines[i].getBytes(StandardCharsets.UTF_8)).time();
      if (t.isPresent()) {
        return t;
      }
    }
    return Optional.empty();
  }

  private static Instant parse(String s) {
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
