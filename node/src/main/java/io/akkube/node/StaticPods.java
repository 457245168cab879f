package io.akkube.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.core.v1.PodDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static pods as the kubelet's file source reads them ({@code --pod-manifest-path}): one pod per
 * file (YAML or JSON, dot files ignored), named {@code <name>-<node>}, its uid the hash of its
 * content, node and file; and the mirror pod that makes it visible in the API.
 */
final class StaticPods {

  private static final Logger log = LoggerFactory.getLogger(StaticPods.class);

  static final String SOURCE = "kubernetes.io/config.source";
  static final String HASH = "kubernetes.io/config.hash";
  static final String SEEN = "kubernetes.io/config.seen";
  static final String MIRROR = "kubernetes.io/config.mirror";

  private StaticPods() {}

  /** The pods of every readable manifest in {@code dir}, by uid; bad files are logged, skipped. */
  static Map<String, ObjectNode> read(Path dir, String nodeName, Instant seen) {
    Map<String, ObjectNode> pods = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      return pods;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        if (file.getFileName().toString().startsWith(".") || !Files.isRegularFile(file)) {
          continue;
        }
        try {
          ObjectNode pod = fromManifest(file, Files.readAllBytes(file), nodeName, seen);
          pods.put(Json.metaText(pod, "uid"), pod);
        } catch (IOException | RuntimeException e) {
          log.warn("static pod manifest {} not usable: {}", file, e.getMessage());
        }
      }
    } catch (IOException e) {
      log.warn("static pod directory {} not readable: {}", dir, e.toString());
    }
    return pods;
  }

  /** config/common.go applyDefaults: name suffix, namespace, uid hash, node, source annotations. */
  static ObjectNode fromManifest(Path file, byte[] content, String nodeName, Instant seen)
      throws IOException {
    JsonNode parsed = Json.YAML.readTree(content);
    if (!(parsed instanceof ObjectNode pod) || !"Pod".equals(Json.text(pod, "kind"))) {
      throw new IOException("the file holds no Pod");
    }
    if (Json.name(pod).isEmpty()) {
      throw new IOException("the pod has no metadata.name");
    }
    ObjectNode meta = Json.meta(pod);
    String uid = Json.metaText(pod, "uid");
    if (uid.isEmpty()) {
      uid = hash(Json.bytes(pod), "host:" + nodeName, "file:" + file.toAbsolutePath());
      meta.put("uid", uid);
    }
    meta.put("name", Json.name(pod) + "-" + nodeName.toLowerCase(Locale.ROOT));
    if (Json.namespace(pod).isEmpty()) {
      meta.put("namespace", "default");
    }
    meta.remove("resourceVersion");
    ObjectNode annotations =
        meta.has("annotations") && meta.get("annotations").isObject()
            ? (ObjectNode) meta.get("annotations")
            : meta.putObject("annotations");
    annotations.put(HASH, uid);
    annotations.put(SEEN, seen.toString());
    annotations.put(SOURCE, "file");
    ((ObjectNode) pod.path("spec")).put("nodeName", nodeName);
    PodDefaults.applyDefaults(pod);
    pod.remove("status");
    pod.putObject("status").put("phase", "Pending");
    return pod;
  }

  /** The mirror pod for the API: the static pod marked with its hash, owned by the Node. */
  static ObjectNode mirrorOf(ObjectNode staticPod, JsonNode node) {
    ObjectNode mirror = staticPod.deepCopy();
    ObjectNode meta = Json.meta(mirror);
    meta.remove("uid");
    meta.remove("resourceVersion");
    meta.remove("creationTimestamp");
    ((ObjectNode) meta.get("annotations")).put(MIRROR, Json.metaText(staticPod, "uid"));
    if (node != null && !Json.metaText(node, "uid").isEmpty()) {
      ObjectNode owner = meta.putArray("ownerReferences").addObject();
      owner.put("apiVersion", "v1");
      owner.put("kind", "Node");
      owner.put("name", Json.name(node));
      owner.put("uid", Json.metaText(node, "uid"));
      owner.put("controller", true);
    }
    mirror.remove("status");
    return mirror;
  }

  static boolean isMirror(JsonNode pod) {
    return pod.path("metadata").path("annotations").has(MIRROR);
  }

  static boolean isStatic(JsonNode pod) {
    return "file".equals(pod.path("metadata").path("annotations").path(SOURCE).asText(""))
        && !isMirror(pod);
  }

  /** The static pod's uid a mirror stands for. */
  static String mirrorHash(JsonNode mirror) {
    return mirror.path("metadata").path("annotations").path(MIRROR).asText("");
  }

  private static String hash(byte[] object, String... source) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(object);
      for (String s : source) {
        md5.update(s.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
