package io.akkube.core.controller;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.selection.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' ControllerRefManager as a pure decision: of the candidate children in the owner's
 * namespace, which the owner keeps, which orphans it adopts (they match its selector) and which of
 * its own children it releases (they stopped matching). Children controlled by someone else are
 * never touched; an owner being deleted neither adopts nor releases.
 */
public record Claims(List<JsonNode> owned, List<JsonNode> adopt, List<JsonNode> release) {

  public Claims {
    owned = List.copyOf(owned);
    adopt = List.copyOf(adopt);
    release = List.copyOf(release);
  }

  public static Claims of(JsonNode owner, LabelSelector selector, List<? extends JsonNode> all) {
    String uid = Json.metaText(owner, "uid");
    boolean ownerDeleting = owner.path("metadata").has("deletionTimestamp");
    List<JsonNode> owned = new ArrayList<>();
    List<JsonNode> adopt = new ArrayList<>();
    List<JsonNode> release = new ArrayList<>();
    for (JsonNode child : all) {
      boolean matches = !selector.isEmpty() && selector.matches(Json.labels(child));
      Optional<JsonNode> controller = OwnerReferences.controllerOf(child);
      if (controller.isPresent()) {
        if (!uid.equals(controller.get().path("uid").asText())) {
          continue;
        }
        if (matches) {
          owned.add(child);
        } else if (!ownerDeleting) {
          release.add(child);
        }
      } else if (matches && !ownerDeleting && !child.path("metadata").has("deletionTimestamp")) {
        adopt.add(child);
      }
    }
    return new Claims(owned, adopt, release);
  }

  /** What the owner controls once the adoptions went through. */
  public List<JsonNode> controlled() {
    List<JsonNode> all = new ArrayList<>(owned);
    all.addAll(adopt);
    return all;
  }
}
