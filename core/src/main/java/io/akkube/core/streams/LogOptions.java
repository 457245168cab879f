package io.akkube.core.streams;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * v1 PodLogOptions, resolved: {@code since} is sinceTime, or now minus sinceSeconds; {@code
 * container} is the container's name (the API member picks it when the pod has only one).
 */
public record LogOptions(
    String container,
    boolean follow,
    boolean previous,
    Optional<Instant> since,
    boolean timestamps,
    OptionalLong tailLines,
    OptionalLong limitBytes) {

  /** The whole current log of {@code container}, as {@code kubectl logs} asks by default. */
  public static LogOptions of(String container) {
    return new LogOptions(
        container,
        false,
        false,
        Optional.empty(),
        false,
        OptionalLong.empty(),
        OptionalLong.empty());
  }

  public LogOptions withContainer(String name) {
    return new LogOptions(name, follow, previous, since, timestamps, tailLines, limitBytes);
  }
}
