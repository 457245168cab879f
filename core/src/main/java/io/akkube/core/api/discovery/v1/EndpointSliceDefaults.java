package io.akkube.core.api.discovery.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** SetDefaults_EndpointPort of discovery/v1: every port has a name ("") and a protocol (TCP). */
public final class EndpointSliceDefaults {

  private EndpointSliceDefaults() {}

  public static void applyDefaults(ObjectNode slice) {
    for (JsonNode port : slice.path("ports")) {
      if (port instanceof ObjectNode p) {
        if (p.path("name").isMissingNode() || p.path("name").isNull()) {
          p.put("name", "");
        }
        if (p.path("protocol").asText("").isEmpty()) {
          p.put("protocol", "TCP");
        }
      }
    }
  }
}
