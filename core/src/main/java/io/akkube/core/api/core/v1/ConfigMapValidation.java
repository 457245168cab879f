package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ValidateConfigMap / ValidateConfigMapUpdate without the metadata part: valid keys, no key in both
 * data and binaryData, at most 1 MiB in total, and nothing changes once immutable.
 */
public final class ConfigMapValidation {

  /** core.MaxSecretSize, which ConfigMaps share. */
  public static final int MAX_SIZE_BYTES = 1024 * 1024;

  private ConfigMapValidation() {}

  public static List<FieldError> validateConfigMap(ObjectNode cm) {
    List<FieldError> errs = new ArrayList<>();
    long totalSize = 0;
    JsonNode binaryData = cm.path("binaryData");
    for (Map.Entry<String, JsonNode> e : Trees.entries(cm, "data")) {
      String key = e.getKey();
      for (String msg : NameValidation.isConfigMapKey(key)) {
        errs.add(FieldError.invalid("data[" + key + "]", key, msg));
      }
      if (binaryData.has(key)) {
        errs.add(
            FieldError.invalid("data[" + key + "]", key, "duplicate of key present in binaryData"));
      }
      totalSize += e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
    }
    for (Map.Entry<String, JsonNode> e : Trees.entries(cm, "binaryData")) {
      String key = e.getKey();
      for (String msg : NameValidation.isConfigMapKey(key)) {
        errs.add(FieldError.invalid("binaryData[" + key + "]", key, msg));
      }
      byte[] bytes = SecretValidation.decode(e.getValue());
      if (bytes == null) {
        errs.add(SecretValidation.notBase64("binaryData[" + key + "]"));
      } else {
        totalSize += bytes.length;
      }
    }
    if (totalSize > MAX_SIZE_BYTES) {
      // Kubernetes reports the size on the whole object: an empty path.
      errs.add(MetadataValidation.tooLong("", MAX_SIZE_BYTES));
    }
    return errs;
  }

  public static List<FieldError> validateConfigMapUpdate(ObjectNode cm, ObjectNode oldCm) {
    List<FieldError> errs = new ArrayList<>();
    if (oldCm.path("immutable").asBoolean(false)) {
      String immutable = "field is immutable when `immutable` is set";
      if (!cm.path("immutable").asBoolean(false)) {
        errs.add(FieldError.forbidden("immutable", immutable));
      }
      for (String field : List.of("data", "binaryData")) {
        if (!sameMap(cm.get(field), oldCm.get(field))) {
          errs.add(FieldError.forbidden(field, immutable));
        }
      }
    }
    errs.addAll(validateConfigMap(cm));
    return errs;
  }

  /**
   * Map equality where an absent map equals an empty one, as Go's reflect.DeepEqual on nil vs. nil.
   */
  static boolean sameMap(JsonNode a, JsonNode b) {
    boolean aEmpty = a == null || a.isNull();
    boolean bEmpty = b == null || b.isNull();
    if (aEmpty || bEmpty) {
      return aEmpty == bEmpty;
    }
    return Trees.semanticEquals(a, b);
  }
}
