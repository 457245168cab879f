package io.akkube.node.streams;

import akka.util.ByteString;
import io.akkube.core.streams.LogOptions;
import io.akkube.node.runtime.ContainerLogFormat;
import io.akkube.node.runtime.ContainerLogFormat.Line;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Reads one container instance's log ({@code <n>.log}, after its rotated {@code <n>.log.1}) for a
 * log request, and with follow keeps reading what the container appends until it has ended. Meant
 * for {@code Source.unfoldResource} on a blocking dispatcher: {@link #next()} blocks for at most
 * about a second and answers an empty chunk when nothing new came, so a consumer that went away is
 * noticed.
 */
final class LogFileReader {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final int MAX_CHUNK = 64 * 1024;

  private final Path file;
  private final LogOptions options;
  private final BooleanSupplier running;
  private final LogPrinter printer;
  private boolean started;
  private boolean ended;
  private long position;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  /**
   * @param running whether the instance still runs (follow ends once it does not)
   */
  LogFileReader(Path file, LogOptions options, BooleanSupplier running) {
    this.file = file;
    this.options = options;
    this.running = running;
    this.printer = new LogPrinter(options);
  }

  /** The next chunk to send (possibly empty), or nothing when the log is over. */
  Optional<ByteString> next() {
    if (ended || printer.exhausted()) {
      return Optional.empty();
    }
    if (!started) {
      started = true;
      List<Line> lines = new ArrayList<>(readRotated());
      lines.addAll(readNew(!options.follow()));
      ByteString out = printer.print(LogPrinter.tail(lines, options.tailLines()));
      ended = !options.follow();
      return Optional.of(out);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (System.nanoTime() < deadline) {
      boolean alive = running.getAsBoolean();
      List<Line> lines = readNew(!alive);
      if (!lines.isEmpty()) {
        return Optional.of(printer.print(lines));
      }
      if (!alive) {
        ended = true;
        return Optional.empty();
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.of(ByteString.emptyByteString());
  }

  private List<Line> readRotated() {
    Path rotated = file.resolveSibling(file.getFileName() + ".1");
    try {
      return split(Files.readAllBytes(rotated), true);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The complete lines appended since the last call; with {@code toEnd}, a last line without its
   * newline too.
   */
  private List<Line> readNew(boolean toEnd) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < position) {
        position = 0; // rotated: the runtime copied the file to .1 and truncated it
      }
      ch.position(position);
      ByteBuffer buf = ByteBuffer.allocate(MAX_CHUNK);
      while (pending.size() < MAX_CHUNK * 4) {
        buf.clear();
        int n = ch.read(buf);
        if (n <= 0) {
          break;
        }
        pending.write(buf.array(), 0, n);
        position += n;
      }
    } catch (NoSuchFileException e) {
      // not written yet
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = pending.toByteArray();
    int end = lastNewline(bytes) + 1;
    if (toEnd) {
      end = bytes.length;
    }
    pending.reset();
    pending.write(bytes, end, bytes.length - end);
    byte[] complete = new byte[end];
    System.arraycopy(bytes, 0, complete, 0, end);
    return split(complete, true);
  }

  private static int lastNewline(byte[] b) {
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Records of {@code bytes}; a trailing line without newline counts when {@code withLast}. */
  static List<Line> split(byte[] bytes, boolean withLast) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(ContainerLogFormat.parse(java.util.Arrays.copyOfRange(bytes, start, i)));
        start = i + 1;
      }
    }
    if (withLast && start < bytes.length) {
      Line last =
          ContainerLogFormat.parse(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
      lines.add(new Line(last.time(), last.stream(), true, last.content()));
    }
    return lines;
  }
}
