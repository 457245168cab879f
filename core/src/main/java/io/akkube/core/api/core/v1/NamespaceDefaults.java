package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Namespace defaulting (SetDefaults_Namespace, SetDefaults_NamespaceStatus): the immutable {@code
 * kubernetes.io/metadata.name} label carries the name, and the phase defaults to Active.
 */
public final class NamespaceDefaults {

  public static final String LABEL_METADATA_NAME = "kubernetes.io/metadata.name";

  private NamespaceDefaults() {}

  public static void applyDefaults(ObjectNode namespace) {
    String name = Trees.text(namespace.path("metadata"), "name");
    if (!name.isEmpty()) {
      ObjectNode meta = Trees.objectOrCreate(namespace, "metadata");
      Trees.objectOrCreate(meta, "labels").put(LABEL_METADATA_NAME, name);
    }
    ObjectNode status = Trees.object(namespace, "status");
    if (status != null) {
      Trees.putIfAbsent(status, "phase", "Active");
    }
  }
}
