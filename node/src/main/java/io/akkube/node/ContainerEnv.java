package io.akkube.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.quantity.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A container's environment as the kubelet builds it (makeEnvironmentVariables): envFrom first
 * (with prefixes), then env in order, each value $(VAR)-expanded against what came before. A
 * missing non-optional reference is a {@link ConfigError} with the kubelet's message.
 */
public final class ContainerEnv {

  private ContainerEnv() {}

  /** Why a container cannot be configured yet (CreateContainerConfigError). */
  public static final class ConfigError extends Exception {
    public ConfigError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What the environment may refer to besides the pod itself: {@code hostIp} is the node's address,
   * {@code podIp} the pod's (the same unless the runtime gives pods addresses of their own).
   */
  public record Sources(
      Function<String, Optional<JsonNode>> configMap,
      Function<String, Optional<JsonNode>> secret,
      String hostIp,
      String podIp,
      String nodeCpu,
      String nodeMemory) {

    public Sources withPodIp(String podIp) {
      return new Sources(configMap, secret, hostIp, podIp, nodeCpu, nodeMemory);
    }
  }

  public static Map<String, String> resolve(JsonNode pod, JsonNode container, Sources sources)
      throws ConfigError {
    String ns = Json.namespace(pod);
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String prefix = Json.text(from, "prefix");
      JsonNode cmRef = from.get("configMapRef");
      JsonNode secretRef = from.get("secretRef");
      if (cmRef != null) {
        Optional<JsonNode> cm = sources.configMap().apply(Json.text(cmRef, "name"));
        if (cm.isEmpty()) {
          if (!cmRef.path("optional").asBoolean(false)) {
            throw new ConfigError("configmap \"" + Json.text(cmRef, "name") + "\" not found");
          }
          continue;
        }
        cm.get()
            .path("data")
            .fields()
            .forEachRemaining(e -> env.put(prefix + e.getKey(), e.getValue().asText()));
      } else if (secretRef != null) {
        Optional<JsonNode> secret = sources.secret().apply(Json.text(secretRef, "name"));
        if (secret.isEmpty()) {
          if (!secretRef.path("optional").asBoolean(false)) {
            throw new ConfigError("secret \"" + Json.text(secretRef, "name") + "\" not found");
          }
          continue;
        }
        secret
            .get()
            .path("data")
            .fields()
            .forEachRemaining(e -> env.put(prefix + e.getKey(), decode(e.getValue().asText())));
      }
    }
    for (JsonNode var : container.path("env")) {
      String name = Json.text(var, "name");
      JsonNode valueFrom = var.get("valueFrom");
      if (valueFrom == null) {
        env.put(name, EnvExpansion.expand(Json.text(var, "value"), env));
        continue;
      }
      Optional<String> value = valueFrom(pod, container, valueFrom, sources, ns);
      if (value.isPresent()) {
        env.put(name, value.get());
      }
    }
    return env;
  }

  private static Optional<String> valueFrom(
      JsonNode pod, JsonNode container, JsonNode valueFrom, Sources sources, String ns)
      throws ConfigError {
    if (valueFrom.has("fieldRef")) {
      return Optional.of(fieldRef(pod, Json.text(valueFrom.get("fieldRef"), "fieldPath"), sources));
    }
    if (valueFrom.has("resourceFieldRef")) {
      return Optional.of(resourceFieldRef(container, valueFrom.get("resourceFieldRef"), sources));
    }
    boolean isConfigMap = valueFrom.has("configMapKeyRef");
    JsonNode ref = isConfigMap ? valueFrom.get("configMapKeyRef") : valueFrom.get("secretKeyRef");
    if (ref == null) {
      return Optional.empty();
    }
    boolean optional = ref.path("optional").asBoolean(false);
    String refName = Json.text(ref, "name");
    String key = Json.text(ref, "key");
    Optional<JsonNode> source =
        isConfigMap ? sources.configMap().apply(refName) : sources.secret().apply(refName);
    if (source.isEmpty()) {
      if (optional) {
        return Optional.empty();
      }
      throw new ConfigError(
          (isConfigMap ? "configmap" : "secret") + " \"" + refName + "\" not found");
    }
    JsonNode value = source.get().path("data").get(key);
    if (value == null) {
      if (optional) {
        return Optional.empty();
      }
      throw new ConfigError(
          "couldn't find key "
              + key
              + " in "
              + (isConfigMap ? "ConfigMap " : "Secret ")
              + ns
              + "/"
              + refName);
    }
    return Optional.of(isConfigMap ? value.asText() : decode(value.asText()));
  }

  /** The downward API's field paths (env and downwardAPI volume files). */
  public static String fieldRef(JsonNode pod, String path, Sources sources) {
    JsonNode meta = pod.path("metadata");
    if (path.startsWith("metadata.labels[") || path.startsWith("metadata.annotations[")) {
      String map = path.startsWith("metadata.labels") ? "labels" : "annotations";
      String key =
          path.substring(path.indexOf('[') + 1, path.length() - 1)
              .replace("'", "")
              .replace("\"", "");
      return Json.text(meta.path(map), key);
    }
    return switch (path) {
      case "metadata.name" -> Json.text(meta, "name");
      case "metadata.namespace" -> Json.text(meta, "namespace");
      case "metadata.uid" -> Json.text(meta, "uid");
      case "metadata.labels" -> formatMap(meta.path("labels"));
      case "metadata.annotations" -> formatMap(meta.path("annotations"));
      case "spec.nodeName" -> Json.text(pod.path("spec"), "nodeName");
      case "spec.serviceAccountName" -> Json.text(pod.path("spec"), "serviceAccountName");
      case "status.podIP", "status.podIPs" -> sources.podIp();
      case "status.hostIP", "status.hostIPs" -> sources.hostIp();
      default -> "";
    };
  }

  /** limits.cpu, requests.memory, …: the container's value (the node's when unset) / divisor. */
  public static String resourceFieldRef(JsonNode container, JsonNode ref, Sources sources) {
    String resource = Json.text(ref, "resource");
    String divisorText = Json.text(ref, "divisor");
    BigDecimal divisor =
        divisorText.isEmpty() ? BigDecimal.ONE : Quantity.parse(divisorText).amount();
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    String[] parts = resource.split("\\.", 2);
    String kind = parts[0];
    String name = parts.length > 1 ? parts[1] : "";
    String text = Json.text(container.path("resources").path(kind), name);
    if (text.isEmpty() && kind.equals("requests")) {
      text = Json.text(container.path("resources").path("limits"), name);
    }
    if (text.isEmpty()) {
      text =
          switch (name) {
            case "cpu" -> kind.equals("requests") ? "0" : sources.nodeCpu();
            case "memory" -> kind.equals("requests") ? "0" : sources.nodeMemory();
            default -> "0";
          };
    }
    BigDecimal value = Quantity.parse(text).amount();
    return value.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
  }

  private static String formatMap(JsonNode map) {
    StringBuilder out = new StringBuilder();
    java.util.List<String> keys = new java.util.ArrayList<>();
    map.fieldNames().forEachRemaining(keys::add);
    java.util.Collections.sort(keys);
    for (String k : keys) {
      out.append(k).append("=\"").append(map.get(k).asText().replace("\"", "\\\"")).append("\"\n");
    }
    return out.toString().strip();
  }

  static String decode(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return base64;
    }
  }
}
