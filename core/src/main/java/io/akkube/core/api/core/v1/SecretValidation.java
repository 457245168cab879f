package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.MetadataValidation;
import io.akkube.core.validation.NameValidation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * ValidateSecret / ValidateSecretUpdate without the metadata part: valid keys, base64 values, at
 * most 1 MiB of data, the keys each built-in type requires, an immutable type, and nothing changes
 * once immutable.
 */
public final class SecretValidation {

  public static final int MAX_SECRET_SIZE_BYTES = 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SecretValidation() {}

  public static List<FieldError> validateSecret(ObjectNode secret) {
    List<FieldError> errs = new ArrayList<>();
    long totalSize = 0;
    for (Map.Entry<String, JsonNode> e : Trees.entries(secret, "data")) {
      String key = e.getKey();
      String path = "data[" + key + "]";
      for (String msg : NameValidation.isConfigMapKey(key)) {
        errs.add(FieldError.invalid(path, key, msg));
      }
      byte[] bytes = decode(e.getValue());
      if (bytes == null) {
        errs.add(notBase64(path));
      } else {
        totalSize += bytes.length;
      }
    }
    if (totalSize > MAX_SECRET_SIZE_BYTES) {
      errs.add(MetadataValidation.tooLong("data", MAX_SECRET_SIZE_BYTES));
    }
    JsonNode data = secret.path("data");
    switch (Trees.text(secret, "type")) {
      case "kubernetes.io/service-account-token" -> {
        String key = "kubernetes.io/service-account.name";
        if (Trees.text(secret.path("metadata").path("annotations"), key).isEmpty()) {
          errs.add(FieldError.required("metadata.annotations[" + key + "]", ""));
        }
      }
      case "kubernetes.io/dockercfg" -> errs.addAll(requireJson(data, ".dockercfg"));
      case "kubernetes.io/dockerconfigjson" -> errs.addAll(requireJson(data, ".dockerconfigjson"));
      case "kubernetes.io/basic-auth" -> {
        if (!data.has("username") && !data.has("password")) {
          errs.add(FieldError.required("data[username]", ""));
          errs.add(FieldError.required("data[password]", ""));
        }
      }
      case "kubernetes.io/ssh-auth" -> {
        byte[] key = decode(data.get("ssh-privatekey"));
        if (key == null || key.length == 0) {
          errs.add(FieldError.required("data[ssh-privatekey]", ""));
        }
      }
      case "kubernetes.io/tls" -> {
        if (!data.has("tls.crt")) {
          errs.add(FieldError.required("data[tls.crt]", ""));
        }
        if (!data.has("tls.key")) {
          errs.add(FieldError.required("data[tls.key]", ""));
        }
      }
      default -> {}
    }
    return errs;
  }

  public static List<FieldError> validateSecretUpdate(ObjectNode secret, ObjectNode oldSecret) {
    List<FieldError> errs = new ArrayList<>();
    String type = Trees.text(secret, "type");
    if (!type.equals(Trees.text(oldSecret, "type"))) {
      errs.add(FieldError.invalid("type", type, MetadataValidation.FIELD_IMMUTABLE));
    }
    if (oldSecret.path("immutable").asBoolean(false)) {
      String immutable = "field is immutable when `immutable` is set";
      if (!secret.path("immutable").asBoolean(false)) {
        errs.add(FieldError.forbidden("immutable", immutable));
      }
      if (!ConfigMapValidation.sameMap(secret.get("data"), oldSecret.get("data"))) {
        errs.add(FieldError.forbidden("data", immutable));
      }
    }
    errs.addAll(validateSecret(secret));
    return errs;
  }

  /** The bytes of a base64 value, or null when it is not base64 (or not a string). */
  static byte[] decode(JsonNode value) {
    if (value == null || !value.isTextual()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(value.asText());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static FieldError notBase64(String path) {
    return FieldError.invalid(
        path, "<secret contents redacted>", "must be a base64-encoded string");
  }

  private static List<FieldError> requireJson(JsonNode data, String key) {
    String path = "data[" + key + "]";
    if (!data.has(key)) {
      return List.of(FieldError.required(path, ""));
    }
    byte[] bytes = decode(data.get(key));
    if (bytes == null) {
      return List.of();
    }
    try {
      JsonNode parsed = JSON.readTree(bytes);
      if (parsed == null || !parsed.isObject()) {
        return List.of(
            FieldError.invalid(path, "<secret contents redacted>", "must be a JSON object"));
      }
      return List.of();
    } catch (IOException e) {
      return List.of(FieldError.invalid(path, "<secret contents redacted>", e.getMessage()));
    }
  }
}
