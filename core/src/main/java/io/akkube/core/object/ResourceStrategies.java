package io.akkube.core.object;

import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.api.apps.v1.DeploymentStrategy;
import io.akkube.core.api.apps.v1.ReplicaSetStrategy;
import io.akkube.core.api.core.v1.ConfigMapStrategy;
import io.akkube.core.api.core.v1.EndpointsStrategy;
import io.akkube.core.api.core.v1.EventStrategy;
import io.akkube.core.api.core.v1.NamespaceStrategy;
import io.akkube.core.api.core.v1.NodeStrategy;
import io.akkube.core.api.core.v1.PodStrategy;
import io.akkube.core.api.core.v1.ReplicationControllerStrategy;
import io.akkube.core.api.core.v1.SecretStrategy;
import io.akkube.core.api.core.v1.ServiceStrategy;
import io.akkube.core.api.discovery.v1.EndpointSliceStrategy;
import io.akkube.core.api.policy.v1.PodDisruptionBudgetStrategy;
import io.akkube.core.api.scheduling.v1.PriorityClassStrategy;

/** The registry strategy of each kind; adding a kind with rules of its own adds a line here. */
public final class ResourceStrategies {

  private static final ResourceStrategy NO_OP = new ResourceStrategy() {};

  private ResourceStrategies() {}

  public static ResourceStrategy of(ResourceType type) {
    if (type.equals(ResourceTypes.PODS)) {
      return new PodStrategy();
    } else if (type.equals(ResourceTypes.NAMESPACES)) {
      return new NamespaceStrategy();
    } else if (type.equals(ResourceTypes.NODES)) {
      return new NodeStrategy();
    } else if (type.equals(ResourceTypes.EVENTS)) {
      return new EventStrategy();
    } else if (type.equals(ResourceTypes.CONFIG_MAPS)) {
      return new ConfigMapStrategy();
    } else if (type.equals(ResourceTypes.SECRETS)) {
      return new SecretStrategy();
    } else if (type.equals(ResourceTypes.SERVICES)) {
      return new ServiceStrategy();
    } else if (type.equals(ResourceTypes.ENDPOINTS)) {
      return new EndpointsStrategy();
    } else if (type.equals(ResourceTypes.REPLICATION_CONTROLLERS)) {
      return new ReplicationControllerStrategy();
    } else if (type.equals(ResourceTypes.DEPLOYMENTS)) {
      return new DeploymentStrategy();
    } else if (type.equals(ResourceTypes.REPLICA_SETS)) {
      return new ReplicaSetStrategy();
    } else if (type.equals(ResourceTypes.ENDPOINT_SLICES)) {
      return new EndpointSliceStrategy();
    } else if (type.equals(ResourceTypes.POD_DISRUPTION_BUDGETS)) {
      return new PodDisruptionBudgetStrategy();
    } else if (type.equals(ResourceTypes.PRIORITY_CLASSES)) {
      return new PriorityClassStrategy();
    }
    return NO_OP;
  }
}
