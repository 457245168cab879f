package io.akkube.core.api;

/**
 * One validation failure, worded as Kubernetes' field.Error: {@code spec.containers[0].image:
 * Required value}. {@code field} is the JSON path without a leading dot.
 */
public record FieldError(Type type, String field, String badValue, String detail) {

  /** The error types of k8s.io/apimachinery/pkg/util/validation/field, with their wording. */
  public enum Type {
    REQUIRED("FieldValueRequired", "Required value"),
    INVALID("FieldValueInvalid", "Invalid value"),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
    DUPLICATE("FieldValueDuplicate", "Duplicate value"),
    FORBIDDEN("FieldValueForbidden", "Forbidden"),
    TOO_LONG("FieldValueTooLong", "Too long"),
    TOO_MANY("FieldValueTooMany", "Too many"),
    NOT_FOUND("FieldValueNotFound", "Not found");

    public final String reason;
    public final String wording;

    Type(String reason, String wording) {
      this.reason = reason;
      this.wording = wording;
    }
  }

  public static FieldError required(String field, String detail) {
    return new FieldError(Type.REQUIRED, field, null, detail);
  }

  public static FieldError invalid(String field, Object badValue, String detail) {
    return new FieldError(Type.INVALID, field, render(badValue), detail);
  }

  public static FieldError notSupported(String field, Object badValue, Iterable<String> valid) {
    StringBuilder sb = new StringBuilder("supported values: ");
    boolean first = true;
    for (String v : valid) {
      sb.append(first ? "" : ", ").append('"').append(v).append('"');
      first = false;
    }
    return new FieldError(Type.NOT_SUPPORTED, field, render(badValue), sb.toString());
  }

  public static FieldError duplicate(String field, Object badValue) {
    return new FieldError(Type.DUPLICATE, field, render(badValue), null);
  }

  public static FieldError forbidden(String field, String detail) {
    return new FieldError(Type.FORBIDDEN, field, null, detail);
  }

  public static FieldError tooLong(String field, Object badValue, int max) {
    return new FieldError(
        Type.TOO_LONG, field, render(badValue), "must have at most " + max + " bytes");
  }

  /** The message as Kubernetes prints it: {@code metadata.name: Invalid value: "Bad_Name": ...}. */
  public String message() {
    return field + ": " + body();
  }

  /** The message without the field ({@code Invalid value: "Bad_Name": ...}): a StatusCause's. */
  public String body() {
    StringBuilder sb = new StringBuilder(type.wording);
    if (badValue != null
        && type != Type.REQUIRED
        && type != Type.FORBIDDEN
        && type != Type.TOO_MANY) {
      sb.append(": ").append(badValue);
    }
    if (detail != null && !detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.toString();
  }

  /** Go's %#v-like rendering used in Kubernetes messages: strings quoted, numbers bare. */
  static String render(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return String.valueOf(value);
  }
}
