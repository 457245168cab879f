package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** SetDefaults_EndpointPort: every port's protocol is TCP unless given. */
public final class EndpointsDefaults {

  private EndpointsDefaults() {}

  public static void applyDefaults(ObjectNode endpoints) {
    for (ObjectNode subset : Trees.objects(endpoints, "subsets")) {
      for (ObjectNode port : Trees.objects(subset, "ports")) {
        Trees.putIfAbsent(port, "protocol", "TCP");
      }
    }
  }
}
