package io.akkube.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.node.runtime.ContainerRuntime.Mount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Sets up a pod's volumes under its directory (emptyDir, configMap, secret, downwardAPI) or checks
 * them on the host (hostPath with its type), and turns volumeMounts into runtime mounts. A failure
 * is a {@link VolumeError} worded as the kubelet's FailedMount event.
 */
public final class PodVolumes {

  private PodVolumes() {}

  public static final class VolumeError extends Exception {
    public VolumeError(String message) {
      super(message, null, false, false);
    }
  }

  /** Writes every volume; returns each volume's host path. Re-running refreshes the files. */
  public static Map<String, Path> setUp(JsonNode pod, Path podDir, ContainerEnv.Sources sources)
      throws VolumeError {
    Map<String, Path> out = new LinkedHashMap<>();
    for (JsonNode volume : pod.path("spec").path("volumes")) {
      String name = Json.text(volume, "name");
      Path dir = podDir.resolve("volumes").resolve(name);
      try {
        if (volume.has("hostPath")) {
          out.put(name, hostPath(name, volume.get("hostPath")));
        } else if (volume.has("configMap")) {
          JsonNode src = volume.get("configMap");
          Optional<JsonNode> cm = sources.configMap().apply(Json.text(src, "name"));
          if (cm.isEmpty() && !src.path("optional").asBoolean(false)) {
            throw new VolumeError(
                setUpFailed(name, "configmap \"" + Json.text(src, "name") + "\" not found"));
          }
          Map<String, byte[]> data = new LinkedHashMap<>();
          cm.ifPresent(
              c -> {
                c.path("data")
                    .fields()
                    .forEachRemaining(
                        e ->
                            data.put(
                                e.getKey(),
                                e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
                c.path("binaryData")
                    .fields()
                    .forEachRemaining(
                        e ->
                            data.put(
                                e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
              });
          writeFiles(name, dir, data, src, 0644);
          out.put(name, dir);
        } else if (volume.has("secret")) {
          JsonNode src = volume.get("secret");
          Optional<JsonNode> secret = sources.secret().apply(Json.text(src, "secretName"));
          if (secret.isEmpty() && !src.path("optional").asBoolean(false)) {
            throw new VolumeError(
                setUpFailed(name, "secret \"" + Json.text(src, "secretName") + "\" not found"));
          }
          Map<String, byte[]> data = new LinkedHashMap<>();
          secret.ifPresent(
              s ->
                  s.path("data")
                      .fields()
                      .forEachRemaining(
                          e ->
                              data.put(
                                  e.getKey(), Base64.getDecoder().decode(e.getValue().asText()))));
          writeFiles(name, dir, data, src, 0644);
          out.put(name, dir);
        } else if (volume.has("downwardAPI")) {
          JsonNode src = volume.get("downwardAPI");
          Map<String, byte[]> data = new LinkedHashMap<>();
          for (JsonNode item : src.path("items")) {
            String value =
                item.has("fieldRef")
                    ? ContainerEnv.fieldRef(
                        pod, Json.text(item.get("fieldRef"), "fieldPath"), sources)
                    : "";
            data.put(Json.text(item, "path"), value.getBytes(StandardCharsets.UTF_8));
          }
          writeFiles(
              name,
              dir,
              data,
              Json.MAPPER
                  .createObjectNode()
                  .put("defaultMode", src.path("defaultMode").asInt(0644)),
              0644);
          out.put(name, dir);
        } else {
          // emptyDir, and kinds this runtime has no driver for: an empty directory of the pod.
          Files.createDirectories(dir);
          dir.toFile().setWritable(true, false);
          out.put(name, dir);
        }
      } catch (IOException e) {
        throw new VolumeError(setUpFailed(name, e.toString()));
      }
    }
    return out;
  }

  /** The container's volumeMounts as runtime mounts (subPath resolved and created). */
  public static List<Mount> mounts(JsonNode container, Map<String, Path> volumes)
      throws VolumeError {
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode vm : container.path("volumeMounts")) {
      Path host = volumes.get(Json.text(vm, "name"));
      if (host == null) {
        throw new VolumeError("volume \"" + Json.text(vm, "name") + "\" is not set up");
      }
      String subPath = Json.text(vm, "subPath");
      if (!subPath.isEmpty()) {
        Path sub = host.resolve(subPath).normalize();
        if (!sub.startsWith(host)) {
          throw new VolumeError(
              "subPath \"" + subPath + "\" escapes volume " + Json.text(vm, "name"));
        }
        try {
          if (!Files.exists(sub)) {
            Files.createDirectories(sub);
          }
        } catch (IOException e) {
          throw new VolumeError("failed to create subPath directory: " + e);
        }
        host = sub;
      }
      mounts.add(new Mount(host, Json.text(vm, "mountPath"), vm.path("readOnly").asBoolean(false)));
    }
    return mounts;
  }

  private static Path hostPath(String volume, JsonNode src) throws VolumeError, IOException {
    Path path = Path.of(Json.text(src, "path"));
    String type = Json.text(src, "type");
    switch (type) {
      case "DirectoryOrCreate" -> Files.createDirectories(path);
      case "FileOrCreate" -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path.getParent());
          Files.createFile(path);
        }
      }
      case "Directory" -> {
        if (!Files.isDirectory(path)) {
          throw new VolumeError(
              setUpFailed(volume, "hostPath type check failed: " + path + " is not a directory"));
        }
      }
      case "File" -> {
        if (!Files.isRegularFile(path)) {
          throw new VolumeError(
              setUpFailed(volume, "hostPath type check failed: " + path + " is not a file"));
        }
      }
      case "Socket", "CharDevice", "BlockDevice" -> {
        if (!Files.exists(path) || Files.isRegularFile(path) || Files.isDirectory(path)) {
          throw new VolumeError(
              setUpFailed(volume, "hostPath type check failed: " + path + " is not a " + type));
        }
      }
      default -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path);
        }
      }
    }
    return path;
  }

  private static void writeFiles(
      String volume, Path dir, Map<String, byte[]> data, JsonNode src, int fallbackMode)
      throws IOException, VolumeError {
    Files.createDirectories(dir);
    int defaultMode = src.path("defaultMode").asInt(fallbackMode);
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, Integer> modes = new LinkedHashMap<>();
    if (src.has("items")) {
      for (JsonNode item : src.get("items")) {
        String key = Json.text(item, "key");
        byte[] value = data.get(key);
        if (value == null) {
          if (src.path("optional").asBoolean(false)) {
            continue;
          }
          throw new VolumeError(
              setUpFailed(volume, "configmap references non-existent config key: " + key));
        }
        String path = Json.text(item, "path");
        files.put(path, value);
        modes.put(path, item.path("mode").asInt(defaultMode));
      }
    } else {
      data.forEach(
          (k, v) -> {
            files.put(k, v);
            modes.put(k, defaultMode);
          });
    }
    Set<Path> wanted = new HashSet<>();
    for (var e : files.entrySet()) {
      Path file = dir.resolve(e.getKey()).normalize();
      if (!file.startsWith(dir)) {
        continue;
      }
      wanted.add(file);
      Set<PosixFilePermission> perms = permissions(modes.get(e.getKey()));
      if (Files.isRegularFile(file)
          && Arrays.equals(Files.readAllBytes(file), e.getValue())
          && Files.getPosixFilePermissions(file).equals(perms)) {
        continue; // unchanged: a periodic refresh writes nothing
      }
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.write(tmp, e.getValue());
      Files.setPosixFilePermissions(tmp, perms);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    // keys that left the source leave the volume
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        if (!wanted.contains(p)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    return perms;
  }

  private static String setUpFailed(String volume, String why) {
    return "MountVolume.SetUp failed for volume \"" + volume + "\" : " + why;
  }
}
