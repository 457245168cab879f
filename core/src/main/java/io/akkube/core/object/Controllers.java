package io.akkube.core.object;

import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.controller.DeploymentController;
import io.akkube.core.controller.ReplicaSetController;
import io.akkube.core.store.ObjectStore;
import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Which kinds are controllers, and their reconcile logic. A controller kind's entities are
 * remembered (always running) and hear from their children.
 */
public final class Controllers {

  private Controllers() {}

  /** The kinds whose entities control children. */
  public static Set<ResourceType> kinds() {
    return Set.of(
        ResourceTypes.DEPLOYMENTS,
        ResourceTypes.REPLICA_SETS,
        ResourceTypes.REPLICATION_CONTROLLERS);
  }

  public static Optional<Controller> of(ResourceType type, ObjectStore store) {
    Clock clock = Clock.systemUTC();
    if (type.equals(ResourceTypes.DEPLOYMENTS)) {
      return Optional.of(new DeploymentController(store, clock));
    }
    if (type.equals(ResourceTypes.REPLICA_SETS)
        || type.equals(ResourceTypes.REPLICATION_CONTROLLERS)) {
      return Optional.of(new ReplicaSetController(store, type, clock, new Random()));
    }
    return Optional.empty();
  }
}
