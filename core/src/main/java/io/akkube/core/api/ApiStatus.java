package io.akkube.core.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A Kubernetes {@code Status} failure (metav1.Status): what every 4xx/5xx answer carries. Kept as
 * plain data so it can cross the cluster as an entity reply.
 */
public record ApiStatus(
    int code, String reason, String message, Details details, List<String> warnings) {

  /** metav1.StatusDetails: which object, and the field causes of an Invalid. */
  public record Details(String name, String group, String kind, List<Cause> causes) {}

  /** metav1.StatusCause. */
  public record Cause(String reason, String message, String field) {}

  public ApiStatus {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  public ApiException exception() {
    return new ApiException(this);
  }

  public static ApiStatus notFound(ResourceType type, String name) {
    return new ApiStatus(
        404,
        "NotFound",
        type.qualifiedResource() + " \"" + name + "\" not found",
        new Details(name, type.group(), type.plural(), null),
        null);
  }

  public static ApiStatus alreadyExists(ResourceType type, String name) {
    return new ApiStatus(
        409,
        "AlreadyExists",
        type.qualifiedResource() + " \"" + name + "\" already exists",
        new Details(name, type.group(), type.plural(), null),
        null);
  }

  /** An optimistic-concurrency failure (resourceVersion or uid precondition). */
  public static ApiStatus conflict(ResourceType type, String name, String why) {
    return new ApiStatus(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + type.qualifiedResource()
            + " \""
            + name
            + "\": "
            + why,
        new Details(name, type.group(), type.plural(), null),
        null);
  }

  public static ApiStatus modifiedConflict(ResourceType type, String name) {
    return conflict(
        type,
        name,
        "the object has been modified; please apply your changes to the latest version and try"
            + " again");
  }

  /** 422 Invalid, worded as apierrors.NewInvalid. */
  public static ApiStatus invalid(ResourceType type, String name, List<FieldError> errors) {
    StringBuilder msg =
        new StringBuilder(type.kind()).append(" \"").append(name).append("\" is invalid: ");
    List<Cause> causes =
        errors.stream().map(e -> new Cause(e.type().reason, e.body(), e.field())).toList();
    if (errors.size() == 1) {
      msg.append(errors.get(0).message());
    } else {
      msg.append('[');
      for (int i = 0; i < errors.size(); i++) {
        msg.append(i == 0 ? "" : ", ").append(errors.get(i).message());
      }
      msg.append(']');
    }
    return new ApiStatus(
        422, "Invalid", msg.toString(), new Details(name, type.group(), type.kind(), causes), null);
  }

  public static ApiStatus badRequest(String message) {
    return new ApiStatus(400, "BadRequest", message, null, null);
  }

  public static ApiStatus forbidden(String message) {
    return new ApiStatus(403, "Forbidden", message, null, null);
  }

  public static ApiStatus unauthorized() {
    return new ApiStatus(401, "Unauthorized", "Unauthorized", null, null);
  }

  public static ApiStatus methodNotAllowed(String message) {
    return new ApiStatus(405, "MethodNotAllowed", message, null, null);
  }

  public static ApiStatus gone(String message) {
    return new ApiStatus(410, "Expired", message, null, null);
  }

  public static ApiStatus unsupportedMediaType(String message) {
    return new ApiStatus(415, "UnsupportedMediaType", message, null, null);
  }

  public static ApiStatus internal(String message) {
    return new ApiStatus(500, "InternalError", message, null, null);
  }

  public static ApiStatus timeout(String message) {
    return new ApiStatus(504, "Timeout", message, null, null);
  }

  /** The Status object as JSON, as the API serves it. */
  public ObjectNode toJson() {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", message);
    s.put("reason", reason);
    if (details != null) {
      ObjectNode d = s.putObject("details");
      if (details.name() != null) d.put("name", details.name());
      if (details.group() != null && !details.group().isEmpty()) d.put("group", details.group());
      if (details.kind() != null) d.put("kind", details.kind());
      if (details.causes() != null && !details.causes().isEmpty()) {
        ArrayNode causes = d.putArray("causes");
        for (Cause c : details.causes()) {
          ObjectNode cn = causes.addObject();
          cn.put("reason", c.reason());
          cn.put("message", c.message());
          cn.put("field", c.field());
        }
      }
    }
    s.put("code", code);
    return s;
  }
}
