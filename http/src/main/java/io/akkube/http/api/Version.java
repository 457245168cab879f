package io.akkube.http.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;

/** {@code /version}: the Kubernetes API level akkube speaks, and akkube's own build. */
final class Version {

  /** The Kubernetes minor version whose API akkube serves (kubectl 1.32 is the reference). */
  static final String MAJOR = "1";

  static final String MINOR = "32";

  private Version() {}

  static ObjectNode json() {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("major", MAJOR);
    v.put("minor", MINOR);
    v.put("gitVersion", "v1.32.0-akkube");
    v.put("gitCommit", "akkube");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2026-11-21T00:00:00Z");
    v.put("goVersion", "java" + Runtime.version().feature());
    v.put("compiler", "akkube");
    v.put("platform", "linux/amd64");
    return v;
  }
}
