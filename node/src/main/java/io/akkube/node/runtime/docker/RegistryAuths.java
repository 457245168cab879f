package io.akkube.node.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials from a pod's imagePullSecrets ({@code kubernetes.io/dockerconfigjson} with
 * {@code .dockerconfigjson}, or the older {@code kubernetes.io/dockercfg} with {@code .dockercfg}):
 * the first secret with an entry for the image's registry wins, as in the kubelet's keyring.
 */
final class RegistryAuths {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryAuths() {}

  /** One registry's credentials; {@code auth} is base64 {@code user:password} when given so. */
  record Credentials(String serverAddress, String username, String password, String auth) {}

  static Optional<Credentials> forRegistry(String registry, List<JsonNode> secrets) {
    for (JsonNode secret : secrets) {
      JsonNode data = secret.path("data");
      JsonNode auths = null;
      try {
        if (data.hasNonNull(".dockerconfigjson")) {
          auths = JSON.readTree(decode(data.get(".dockerconfigjson").asText())).path("auths");
        } else if (data.hasNonNull(".dockercfg")) {
          auths = JSON.readTree(decode(data.get(".dockercfg").asText()));
        }
      } catch (IOException | IllegalArgumentException e) {
        continue; // not a docker config: the kubelet skips it too
      }
      if (auths == null) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (host(e.getKey()).equals(host(registry))) {
          JsonNode a = e.getValue();
          String user = a.path("username").asText("");
          String password = a.path("password").asText("");
          String auth = a.path("auth").asText("");
          if (user.isEmpty() && !auth.isEmpty()) {
            String plain = decode(auth);
            int colon = plain.indexOf(':');
            if (colon > 0) {
              user = plain.substring(0, colon);
              password = plain.substring(colon + 1);
            }
          }
          return Optional.of(new Credentials(e.getKey(), user, password, auth));
        }
      }
    }
    return Optional.empty();
  }

  /** A config key's registry host: URLs and Docker Hub's aliases reduced to one name. */
  static String host(String key) {
    String h = key.replaceFirst("^https?://", "");
    int slash = h.indexOf('/');
    if (slash >= 0) {
      h = h.substring(0, slash);
    }
    return switch (h) {
      case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> "docker.io";
      default -> h;
    };
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
  }
}
