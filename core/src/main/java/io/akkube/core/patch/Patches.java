package io.akkube.core.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonpatch.JsonPatch;
import com.github.fge.jsonpatch.JsonPatchException;
import com.github.fge.jsonpatch.mergepatch.JsonMergePatch;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.store.PatchType;
import java.io.IOException;
import java.util.List;

/**
 * Applies a PATCH body to an object, as the API server's patcher does before it validates and
 * stores the result: RFC 6902 JSON patch and RFC 7386 merge patch through java-json-tools, and
 * Kubernetes strategic merge patch through {@link StrategicMergePatch}. Errors carry the status
 * Kubernetes answers (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go).
 */
public final class Patches {

  /** The API server's limit on the operations of one JSON patch. */
  static final int MAX_JSON_PATCH_OPERATIONS = 10000;

  private Patches() {}

  /**
   * The patched object: a new tree, {@code current} is never modified.
   *
   * @throws ApiException 400 for a body that cannot be decoded, 422 for a JSON patch that does not
   *     apply (a failed {@code test}, a missing path), 415 for server-side apply
   */
  public static ObjectNode apply(
      PatchType type, ObjectNode current, byte[] patchBody, ResourceType resource) {
    return switch (type) {
      case JSON_PATCH -> jsonPatch(current, patchBody);
      case MERGE_PATCH -> mergePatch(current, patchBody);
      case STRATEGIC_MERGE_PATCH ->
          StrategicMergePatch.apply(current, decodeObject(patchBody), MergeKeys.forKind(resource));
      case APPLY_PATCH ->
          throw ApiStatus.unsupportedMediaType(
                  "the body of the request was in an unknown format - accepted media types include: "
                      + String.join(
                          ", ",
                          List.of(
                              PatchType.JSON_PATCH.contentType,
                              PatchType.MERGE_PATCH.contentType,
                              PatchType.STRATEGIC_MERGE_PATCH.contentType)))
              .exception();
    };
  }

  private static ObjectNode jsonPatch(ObjectNode current, byte[] body) {
    JsonNode operations = decode(body);
    if (!operations.isArray()) {
      throw ApiStatus.badRequest(
              "json: cannot unmarshal "
                  + goType(operations)
                  + " into Go value of type jsonpatch.Patch")
          .exception();
    }
    if (operations.size() > MAX_JSON_PATCH_OPERATIONS) {
      throw new ApiStatus(
              413,
              "RequestEntityTooLarge",
              "Request entity too large: The allowed maximum operations in a JSON patch is "
                  + MAX_JSON_PATCH_OPERATIONS
                  + ", got "
                  + operations.size(),
              null,
              null)
          .exception();
    }
    JsonNode patched;
    try {
      // Kubernetes decodes any array and only fails when applying, so a bad operation is a 422.
      patched = JsonPatch.fromJson(operations).apply(current.deepCopy());
    } catch (IOException | JsonPatchException e) {
      throw invalid(e.getMessage());
    }
    return asObject(patched);
  }

  private static ObjectNode mergePatch(ObjectNode current, byte[] body) {
    JsonNode patch = decode(body);
    if (!patch.isObject()) {
      throw ApiStatus.badRequest(
              "error decoding patch: json: cannot unmarshal "
                  + goType(patch)
                  + " into Go value of type map[string]interface {}")
          .exception();
    }
    try {
      return asObject(JsonMergePatch.fromJson(patch).apply(current.deepCopy()));
    } catch (JsonPatchException e) {
      throw ApiStatus.badRequest(e.getMessage()).exception();
    }
  }

  private static ObjectNode decodeObject(byte[] body) {
    JsonNode patch = decode(body);
    if (!patch.isObject()) {
      throw ApiStatus.badRequest(
              "json: cannot unmarshal "
                  + goType(patch)
                  + " into Go value of type map[string]interface {}")
          .exception();
    }
    return (ObjectNode) patch;
  }

  private static JsonNode decode(byte[] body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiStatus.badRequest("error decoding patch: unexpected end of JSON input")
            .exception();
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiStatus.badRequest("error decoding patch: " + e.getOriginalMessage()).exception();
    } catch (IOException e) {
      throw ApiStatus.badRequest("error decoding patch: " + e.getMessage()).exception();
    }
  }

  private static ObjectNode asObject(JsonNode patched) {
    if (!patched.isObject()) {
      throw invalid("the patched object is not a JSON object");
    }
    return (ObjectNode) patched;
  }

  /** How encoding/json names a JSON value's type in its unmarshal errors. */
  private static String goType(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "array";
      case OBJECT -> "object";
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "bool";
      default -> "null";
    };
  }

  /**
   * A patch that decodes but does not apply. Kubernetes answers 422 with a fixed message
   * (apierrors.NewGenericServerResponse); the actual reason is kept as the one cause.
   */
  static ApiException invalid(String cause) {
    return new ApiStatus(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request",
            new ApiStatus.Details(null, "", null, List.of(new ApiStatus.Cause("", cause, ""))),
            null)
        .exception();
  }

  /**
   * A strategic merge patch error that Kubernetes does not classify: it reaches the client as a 500
   * carrying the patch library's message.
   */
  static ApiException failed(String message) {
    return ApiStatus.internal(message).exception();
  }
}
