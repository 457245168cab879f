package io.akkube.core.object;

import io.akkube.core.api.ResourceType;
import io.akkube.core.store.ObjectStore;
import java.util.Optional;
import java.util.Set;

/**
 * Which kinds are controllers, and their reconcile logic. A controller kind's entities are
 * remembered (always running) and hear from their children.
 */
public final class Controllers {

  private Controllers() {}

  /** The kinds whose entities control children. */
  public static Set<ResourceType> kinds() {
    return Set.of();
  }

  public static Optional<Controller> of(ResourceType type, ObjectStore store) {
    return Optional.empty();
  }
}
