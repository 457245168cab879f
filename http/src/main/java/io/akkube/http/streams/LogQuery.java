package io.akkube.http.streams;

import akka.http.javadsl.model.Query;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.streams.LogOptions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;

/** v1 PodLogOptions from the query of {@code GET pods/{name}/log}, with its validation. */
public final class LogQuery {

  private LogQuery() {}

  public static LogOptions parse(Query query, Instant now) {
    OptionalLong sinceSeconds = number(query, "sinceSeconds");
    Optional<String> sinceTime = query.get("sinceTime");
    if (sinceSeconds.isPresent() && sinceTime.isPresent()) {
      throw invalid("at most one of `sinceTime` or `sinceSeconds` may be specified");
    }
    Optional<Instant> since = Optional.empty();
    if (sinceSeconds.isPresent()) {
      if (sinceSeconds.getAsLong() < 1) {
        throw invalid(
            "sinceSeconds: Invalid value: "
                + sinceSeconds.getAsLong()
                + ": must be greater than 0");
      }
      since = Optional.of(now.minusSeconds(sinceSeconds.getAsLong()));
    } else if (sinceTime.isPresent()) {
      try {
        since = Optional.of(OffsetDateTime.parse(sinceTime.get()).toInstant());
      } catch (DateTimeParseException e) {
        throw ApiStatus.badRequest(
                "sinceTime: Invalid value: \"" + sinceTime.get() + "\": not an RFC3339 time")
            .exception();
      }
    }
    OptionalLong tailLines = number(query, "tailLines");
    if (tailLines.isPresent() && tailLines.getAsLong() < 0) {
      throw invalid(
          "tailLines: Invalid value: "
              + tailLines.getAsLong()
              + ": must be greater than or equal to 0");
    }
    OptionalLong limitBytes = number(query, "limitBytes");
    if (limitBytes.isPresent() && limitBytes.getAsLong() < 1) {
      throw invalid(
          "limitBytes: Invalid value: " + limitBytes.getAsLong() + ": must be greater than 0");
    }
    return new LogOptions(
        query.get("container").orElse(""),
        flag(query, "follow"),
        flag(query, "previous"),
        since,
        flag(query, "timestamps"),
        tailLines,
        limitBytes);
  }

  static boolean flag(Query query, String name) {
    String v = query.get(name).orElse("false");
    return v.equals("true") || v.equals("1") || v.equals("True") || v.equals("TRUE");
  }

  private static OptionalLong number(Query query, String name) {
    Optional<String> v = query.get(name);
    if (v.isEmpty() || v.get().isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get()));
    } catch (NumberFormatException e) {
      throw ApiStatus.badRequest(name + ": Invalid value: \"" + v.get() + "\": not an integer")
          .exception();
    }
  }

  private static RuntimeException invalid(String message) {
    return new ApiStatus(
            422,
            "Invalid",
            "PodLogOptions \"\" is invalid: " + message,
            new ApiStatus.Details("", null, "PodLogOptions", null),
            null)
        .exception();
  }
}
