package io.akkube.core.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The string formats of k8s.io/apimachinery/pkg/util/validation (Kubernetes 1.32): each check
 * returns Kubernetes' own messages, empty when the value is valid. Callers wrap each message in a
 * {@link io.akkube.core.api.FieldError} with the field path.
 */
public final class NameValidation {

  public static final int DNS1123_LABEL_MAX_LENGTH = 63;
  public static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
  public static final int LABEL_VALUE_MAX_LENGTH = 63;
  private static final int QUALIFIED_NAME_MAX_LENGTH = 63;

  private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_LABEL_ERR =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
          + " must start and end with an alphanumeric character";
  private static final String DNS1123_SUBDOMAIN_FMT =
      DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  private static final String DNS1123_SUBDOMAIN_ERR =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character";
  private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1035_LABEL_ERR =
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
          + " alphabetic character, and end with an alphanumeric character";
  private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String QUALIFIED_NAME_ERR =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character";
  private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
  private static final String LABEL_VALUE_ERR =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
          + " '.', and must start and end with an alphanumeric character";
  private static final String C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*";
  private static final String C_IDENTIFIER_ERR =
      "a valid C identifier must start with alphabetic character or '_', followed by a string of"
          + " alphanumeric characters or '_'";
  private static final String ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*";
  private static final String ENV_VAR_NAME_ERR =
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-',"
          + " or '.', and must not start with a digit";
  private static final String CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";
  private static final String CONFIG_MAP_KEY_ERR =
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
  private static final String HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+";
  private static final String HTTP_HEADER_NAME_ERR =
      "a valid HTTP header must consist of alphanumeric characters or '-'";

  private static final Pattern DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
  private static final Pattern DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
  private static final Pattern DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);
  private static final Pattern QUALIFIED_NAME = anchored(QUALIFIED_NAME_FMT);
  private static final Pattern LABEL_VALUE = anchored(LABEL_VALUE_FMT);
  private static final Pattern C_IDENTIFIER = anchored(C_IDENTIFIER_FMT);
  private static final Pattern ENV_VAR_NAME = anchored(ENV_VAR_NAME_FMT);
  private static final Pattern CONFIG_MAP_KEY = anchored(CONFIG_MAP_KEY_FMT);
  private static final Pattern HTTP_HEADER_NAME = anchored(HTTP_HEADER_NAME_FMT);
  private static final Pattern PORT_NAME_CHARSET = anchored("[-a-z0-9]+");
  private static final Pattern PORT_NAME_ONE_LETTER = Pattern.compile("[a-z]");

  private NameValidation() {}

  public static List<String> isDNS1123Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1123_LABEL_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_LABEL_MAX_LENGTH));
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      errs.add(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, "my-name", "123-abc"));
    }
    return errs;
  }

  public static List<String> isDNS1123Subdomain(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errs.add(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"));
    }
    return errs;
  }

  public static List<String> isDNS1035Label(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1123_LABEL_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_LABEL_MAX_LENGTH));
    }
    if (!DNS1035_LABEL.matcher(value).matches()) {
      errs.add(regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"));
    }
    return errs;
  }

  /**
   * A "qualified name" as label keys, annotation keys and finalizers use it: an optional DNS
   * subdomain prefix and '/', then a name of at most 63 characters.
   */
  public static List<String> isQualifiedName(String value) {
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          errs.add("prefix part " + emptyError());
        } else {
          for (String msg : isDNS1123Subdomain(prefix)) {
            errs.add("prefix part " + msg);
          }
        }
      }
      default -> {
        errs.add(
            "a qualified name "
                + regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return errs;
      }
    }
    if (name.isEmpty()) {
      errs.add("name part " + emptyError());
    } else if (name.length() > QUALIFIED_NAME_MAX_LENGTH) {
      errs.add("name part " + maxLenError(QUALIFIED_NAME_MAX_LENGTH));
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      errs.add(
          "name part "
              + regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  public static List<String> isValidLabelValue(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > LABEL_VALUE_MAX_LENGTH) {
      errs.add(maxLenError(LABEL_VALUE_MAX_LENGTH));
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
    }
    return errs;
  }

  public static List<String> isCIdentifier(String value) {
    if (C_IDENTIFIER.matcher(value).matches()) {
      return List.of();
    }
    return List.of(regexError(C_IDENTIFIER_ERR, C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName"));
  }

  /** Container environment variable names (and envFrom prefixes). */
  public static List<String> isEnvVarName(String value) {
    List<String> errs = new ArrayList<>();
    if (!ENV_VAR_NAME.matcher(value).matches()) {
      errs.add(
          regexError(
              ENV_VAR_NAME_ERR, ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"));
    }
    errs.addAll(hasChDirPrefix(value));
    return errs;
  }

  /** Keys of ConfigMap and Secret data. */
  public static List<String> isConfigMapKey(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if (!CONFIG_MAP_KEY.matcher(value).matches()) {
      errs.add(
          regexError(CONFIG_MAP_KEY_ERR, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
    }
    errs.addAll(hasChDirPrefix(value));
    return errs;
  }

  /** An IANA_SVC_NAME (RFC 6335): what named ports must be. */
  public static List<String> isValidPortName(String port) {
    List<String> errs = new ArrayList<>();
    if (port.length() > 15) {
      errs.add(maxLenError(15));
    }
    if (!PORT_NAME_CHARSET.matcher(port).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!PORT_NAME_ONE_LETTER.matcher(port).find()) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (port.contains("--")) {
      errs.add("must not contain consecutive hyphens");
    }
    if (!port.isEmpty() && (port.charAt(0) == '-' || port.charAt(port.length() - 1) == '-')) {
      errs.add("must not begin or end with a hyphen");
    }
    return errs;
  }

  public static List<String> isValidPortNum(long port) {
    return isInRange(port, 1, 65535);
  }

  public static List<String> isInRange(long value, long min, long max) {
    return value >= min && value <= max ? List.of() : List.of(inclusiveRangeError(min, max));
  }

  public static List<String> isHTTPHeaderName(String value) {
    if (HTTP_HEADER_NAME.matcher(value).matches()) {
      return List.of();
    }
    return List.of(regexError(HTTP_HEADER_NAME_ERR, HTTP_HEADER_NAME_FMT, "X-Header-Name"));
  }

  /**
   * What any object name must satisfy to be a URL path segment (apimachinery's
   * IsValidPathSegmentName); the only name rule for Events.
   */
  public static List<String> isValidPathSegmentName(String name) {
    for (String illegal : List.of(".", "..")) {
      if (name.equals(illegal)) {
        return List.of("may not be '" + illegal + "'");
      }
    }
    List<String> errs = new ArrayList<>();
    for (String illegal : List.of("/", "%")) {
      if (name.contains(illegal)) {
        errs.add("may not contain '" + illegal + "'");
      }
    }
    return errs;
  }

  public static String maxLenError(int length) {
    return "must be no more than " + length + " characters";
  }

  public static String emptyError() {
    return "must be non-empty";
  }

  public static String inclusiveRangeError(long lo, long hi) {
    return "must be between " + lo + " and " + hi + ", inclusive";
  }

  /** Kubernetes' RegexError: the message, its examples and the regular expression. */
  public static String regexError(String msg, String fmt, String... examples) {
    if (examples.length == 0) {
      return msg + " (regex used for validation is '" + fmt + "')";
    }
    StringBuilder sb = new StringBuilder(msg).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        sb.append(" or ");
      }
      sb.append('\'').append(examples[i]).append("', ");
    }
    return sb.append("regex used for validation is '").append(fmt).append("')").toString();
  }

  private static List<String> hasChDirPrefix(String value) {
    if (value.equals(".")) {
      return List.of("must not be '.'");
    } else if (value.equals("..")) {
      return List.of("must not be '..'");
    } else if (value.startsWith("..")) {
      return List.of("must not start with '..'");
    }
    return List.of();
  }

  private static Pattern anchored(String fmt) {
    return Pattern.compile("^" + fmt + "$");
  }
}
