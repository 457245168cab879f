package io.akkube.core.object;

import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.api.core.v1.ConfigMapStrategy;
import io.akkube.core.api.core.v1.EventStrategy;
import io.akkube.core.api.core.v1.NamespaceStrategy;
import io.akkube.core.api.core.v1.NodeStrategy;
import io.akkube.core.api.core.v1.PodStrategy;
import io.akkube.core.api.core.v1.SecretStrategy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceStrategiesTest {

  @Test
  void everyCoreKindHasItsOwnStrategy() {
    assertThat(ResourceStrategies.of(ResourceTypes.PODS)).isInstanceOf(PodStrategy.class);
    assertThat(ResourceStrategies.of(ResourceTypes.NAMESPACES))
        .isInstanceOf(NamespaceStrategy.class);
    assertThat(ResourceStrategies.of(ResourceTypes.NODES)).isInstanceOf(NodeStrategy.class);
    assertThat(ResourceStrategies.of(ResourceTypes.EVENTS)).isInstanceOf(EventStrategy.class);
    assertThat(ResourceStrategies.of(ResourceTypes.CONFIG_MAPS))
        .isInstanceOf(ConfigMapStrategy.class);
    assertThat(ResourceStrategies.of(ResourceTypes.SECRETS)).isInstanceOf(SecretStrategy.class);
  }

  @Test
  void anUnknownKindGetsANoOpStrategy() {
    ResourceType widgets =
        new ResourceType(
            "example.com",
            "v1",
            "Widget",
            "widgets",
            "widget",
            true,
            List.of(),
            List.of(),
            Set.of());
    ResourceStrategy strategy = ResourceStrategies.of(widgets);
    assertThat(strategy.validateCreate(io.akkube.core.api.Json.MAPPER.createObjectNode()))
        .isEmpty();
    assertThat(strategy.tracksGeneration()).isTrue();
  }
}
