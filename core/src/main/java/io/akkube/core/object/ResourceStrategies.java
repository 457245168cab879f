package io.akkube.core.object;

import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.api.core.v1.ConfigMapStrategy;
import io.akkube.core.api.core.v1.EventStrategy;
import io.akkube.core.api.core.v1.NamespaceStrategy;
import io.akkube.core.api.core.v1.NodeStrategy;
import io.akkube.core.api.core.v1.PodStrategy;
import io.akkube.core.api.core.v1.SecretStrategy;

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
    }
    return NO_OP;
  }
}
