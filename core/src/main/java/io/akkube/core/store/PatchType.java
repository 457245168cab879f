package io.akkube.core.store;

import java.util.Optional;

/** The patch content types of the Kubernetes API. */
public enum PatchType {
  JSON_PATCH("application/json-patch+json"),
  MERGE_PATCH("application/merge-patch+json"),
  STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json"),
  APPLY_PATCH("application/apply-patch+yaml");

  public final String contentType;

  PatchType(String contentType) {
    this.contentType = contentType;
  }

  public static Optional<PatchType> ofContentType(String contentType) {
    for (PatchType t : values()) {
      if (contentType != null && contentType.startsWith(t.contentType)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
