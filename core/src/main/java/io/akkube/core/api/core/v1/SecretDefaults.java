package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Secret defaulting and conversion: the type defaults to Opaque, and the write-only {@code
 * stringData} is merged into {@code data} (base64, stringData winning) and dropped, as the
 * apiserver's v1 conversion does.
 */
public final class SecretDefaults {

  private SecretDefaults() {}

  public static void applyDefaults(ObjectNode secret) {
    Trees.putIfAbsent(secret, "type", "Opaque");
    JsonNode stringData = secret.get("stringData");
    if (stringData instanceof ObjectNode strings) {
      ObjectNode data = Trees.objectOrCreate(secret, "data");
      for (Map.Entry<String, JsonNode> e : Trees.entries(secret, "stringData")) {
        byte[] bytes = e.getValue().asText().getBytes(StandardCharsets.UTF_8);
        data.put(e.getKey(), Base64.getEncoder().encodeToString(bytes));
      }
      if (strings.isEmpty() && data.isEmpty()) {
        secret.remove("data");
      }
    }
    secret.remove("stringData");
  }
}
