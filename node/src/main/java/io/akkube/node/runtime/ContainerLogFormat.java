package io.akkube.node.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The on-disk format of container logs: the CRI logging format that containerd and CRI-O write and
 * the kubelet reads, one record per line: {@code <RFC3339Nano time> <stream> <F|P> <content>}. A
 * {@code P} (partial) record continues on the next one without a newline. Lines that are not
 * records (a runtime that could not timestamp, or its wrapper's own error messages) are read as
 * full stdout lines without a time.
 */
public final class ContainerLogFormat {

  private ContainerLogFormat() {}

  /** One record; {@code content} excludes the record's newline. */
  public record Line(Optional<Instant> time, String stream, boolean partial, byte[] content) {

    /** The content as printed: with its newline unless partial. */
    public byte[] printed() {
      if (partial) {
        return content;
      }
      byte[] out = Arrays.copyOf(content, content.length + 1);
      out[content.length] = '\n';
      return out;
    }

    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** Parses one line of a log file, without its trailing newline. */
  public static Line parse(byte[] line) {
    int first = indexOf(line, (byte) ' ', 0);
    if (first > 0) {
      int second = indexOf(line, (byte) ' ', first + 1);
      int third = second < 0 ? -1 : indexOf(line, (byte) ' ', second + 1);
      if (third > 0) {
        String stream = ascii(line, first + 1, second);
        String tag = ascii(line, second + 1, third);
        Optional<Instant> time = parseTime(ascii(line, 0, first));
        if (time.isPresent()
            && (stream.equals("stdout") || stream.equals("stderr"))
            && (tag.startsWith("F") || tag.startsWith("P"))) {
          return new Line(
              time, stream, tag.startsWith("P"), Arrays.copyOfRange(line, third + 1, line.length));
        }
      }
    }
    return new Line(Optional.empty(), "stdout", false, line);
  }

  /**
   * What a whole log file prints as (records' content, partial ones joined), for tests and tools.
   */
  public static String printed(byte[] log) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int start = 0;
    for (int i = 0; i <= log.length; i++) {
      if (i == log.length ? i > start : log[i] == '\n') {
        out.writeBytes(parse(Arrays.copyOfRange(log, start, i)).printed());
        start = i + 1;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Go's {@code time.RFC3339Nano} in UTC: fraction without trailing zeros, none when zero. */
  public static String formatTime(Instant time) {
    OffsetDateTime t = time.atOffset(ZoneOffset.UTC);
    StringBuilder s =
        new StringBuilder(
            String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d",
                t.getYear(),
                t.getMonthValue(),
                t.getDayOfMonth(),
                t.getHour(),
                t.getMinute(),
                t.getSecond()));
    int nanos = t.getNano();
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos).replaceFirst("0+$", "");
      s.append('.').append(fraction);
    }
    return s.append('Z').toString();
  }

  private static Optional<Instant> parseTime(String s) {
    if (s.length() < 20 || s.charAt(4) != '-' || s.charAt(10) != 'T') {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(s).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
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

  private static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.US_ASCII);
  }
}
