package io.akkube.node.streams;

import akka.util.ByteString;
import io.akkube.core.streams.LogOptions;
import io.akkube.node.runtime.ContainerLogFormat;
import io.akkube.node.runtime.ContainerLogFormat.Line;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns log records into what {@code kubectl logs} prints, as the kubelet's log reader does:
 * tailLines picks the last records first, then records older than {@code since} are skipped, each
 * printed record gets its time prefixed (RFC3339Nano and a space) when timestamps are asked for,
 * and output stops after limitBytes (cutting a line if need be). Stateful: it counts the bytes.
 */
final class LogPrinter {

  private final Optional<Instant> since;
  private final boolean timestamps;
  private long remaining;

  LogPrinter(LogOptions options) {
    this.since = options.since();
    this.timestamps = options.timestamps();
    this.remaining = options.limitBytes().orElse(Long.MAX_VALUE);
  }

  /** The last {@code tailLines} records (all without a tail). */
  static List<Line> tail(List<Line> lines, OptionalLong tailLines) {
    if (tailLines.isEmpty() || tailLines.getAsLong() >= lines.size()) {
      return lines;
    }
    return lines.subList(lines.size() - (int) tailLines.getAsLong(), lines.size());
  }

  /** What to print for {@code line}: empty when it is filtered out or the limit is reached. */
  ByteString print(Line line) {
    if (remaining <= 0) {
      return ByteString.emptyByteString();
    }
    if (since.isPresent() && line.time().isPresent() && line.time().get().isBefore(since.get())) {
      return ByteString.emptyByteString();
    }
    ByteString out = ByteString.fromArrayUnsafe(line.printed());
    if (timestamps && line.time().isPresent()) {
      out =
          ByteString.fromString(
                  ContainerLogFormat.formatTime(line.time().get()) + " ", StandardCharsets.UTF_8)
              .concat(out);
    }
    if (out.size() > remaining) {
      out = out.take((int) remaining);
    }
    remaining -= out.size();
    return out;
  }

  ByteString print(List<Line> lines) {
    ByteString out = ByteString.emptyByteString();
    for (Line line : lines) {
      out = out.concat(print(line));
    }
    return out;
  }

  boolean exhausted() {
    return remaining <= 0;
  }
}
