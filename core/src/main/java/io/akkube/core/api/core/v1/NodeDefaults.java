package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Node defaulting (SetDefaults_NodeStatus): allocatable defaults to capacity; quantities are kept
 * in their canonical form, as the apiserver serializes them.
 */
public final class NodeDefaults {

  private NodeDefaults() {}

  public static void applyDefaults(ObjectNode node) {
    ObjectNode status = Trees.object(node, "status");
    if (status == null) {
      return;
    }
    ObjectNode capacity = Trees.object(status, "capacity");
    if (capacity != null && !Trees.has(status, "allocatable")) {
      status.set("allocatable", capacity.deepCopy());
    }
    Canonical.quantities(capacity);
    Canonical.quantities(Trees.object(status, "allocatable"));
  }
}
