package io.akkube.core.api.apps.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.GoValues;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fields that hold either a count or a percentage ({@code 3} or {@code "25%"}), as apps validation
 * checks them (ValidatePositiveIntOrPercent, IsNotMoreThan100Percent); PodDisruptionBudget reuses
 * these rules.
 */
public final class IntOrPercent {

  private static final String PERCENT_FMT = "[0-9]+%";
  private static final Pattern PERCENT = Pattern.compile(PERCENT_FMT);

  private IntOrPercent() {}

  /** A non-negative integer or a valid percent string. */
  public static List<FieldError> validatePositiveIntOrPercent(JsonNode value, String path) {
    List<FieldError> errs = new ArrayList<>();
    if (value == null || value.isNull()) {
      return errs;
    }
    if (value.isTextual()) {
      if (!PERCENT.matcher(value.asText()).matches()) {
        errs.add(
            invalid(
                path,
                value,
                NameValidation.regexError(
                    "a valid percent string must be a numeric string followed by an ending '%'",
                    PERCENT_FMT, "1%", "93%")));
      }
    } else if (value.isIntegralNumber()) {
      if (value.asLong() < 0) {
        errs.add(FieldError.invalid(path, value.asLong(), MetadataValidation.IS_NEGATIVE));
      }
    } else {
      // Kubernetes' message really reads "%%": it is not a format string.
      errs.add(invalid(path, value, "must be an integer or percentage (e.g '5%%')"));
    }
    return errs;
  }

  /** A percentage may not exceed 100%; counts are not limited. */
  public static List<FieldError> validateNotMoreThan100Percent(JsonNode value, String path) {
    if (isPercent(value) && percent(value) > 100) {
      return List.of(invalid(path, value, "must not be greater than 100%"));
    }
    return List.of();
  }

  /** The number a value holds: the percentage itself for a percent, 0 when absent or invalid. */
  public static long value(JsonNode value) {
    if (isPercent(value)) {
      return percent(value);
    }
    return value != null && value.isIntegralNumber() ? value.asLong() : 0;
  }

  /** As the printers show it: {@code 25%} or {@code 1}. */
  public static String format(JsonNode value) {
    return value == null || value.isNull() ? "" : value.asText();
  }

  static FieldError invalid(String path, JsonNode value, String detail) {
    return new FieldError(FieldError.Type.INVALID, path, GoValues.intOrString(value), detail);
  }

  private static boolean isPercent(JsonNode value) {
    return value != null && value.isTextual() && PERCENT.matcher(value.asText()).matches();
  }

  private static long percent(JsonNode value) {
    String text = value.asText();
    try {
      return Long.parseLong(text.substring(0, text.length() - 1));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
