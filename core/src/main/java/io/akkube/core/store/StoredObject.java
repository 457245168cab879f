package io.akkube.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;

/**
 * An object as stored, with its resourceVersion set, and its JSON bytes (serialised once per change
 * and shared by every reader). Never mutate {@code object}.
 */
public record StoredObject(ObjectNode object, byte[] json, long revision) {

  public static StoredObject of(ObjectNode object, long revision) {
    return new StoredObject(object, Json.bytes(object), revision);
  }
}
