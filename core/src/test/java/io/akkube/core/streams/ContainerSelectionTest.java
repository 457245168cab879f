package io.akkube.core.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import org.junit.jupiter.api.Test;

class ContainerSelectionTest {

  private static ObjectNode pod(String spec) throws Exception {
    return (ObjectNode)
        Json.MAPPER.readTree("{\"metadata\":{\"name\":\"p\"},\"spec\":" + spec + "}");
  }

  @Test
  void theOnlyContainerNeedsNoName() throws Exception {
    assertThat(ContainerSelection.resolve(pod("{\"containers\":[{\"name\":\"a\"}]}"), ""))
        .isEqualTo("a");
  }

  @Test
  void severalContainersNeedANameWordedAsTheApiserverDoes() throws Exception {
    ObjectNode pod =
        pod(
            "{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"initContainers\":[{\"name\":\"i\"}]}");
    assertThatThrownBy(() -> ContainerSelection.resolve(pod, ""))
        .hasMessage(
            "a container name must be specified for pod p, choose one of: [a b] or one of the init"
                + " containers: [i]");
    assertThat(ContainerSelection.resolve(pod, "i")).isEqualTo("i");
    assertThatThrownBy(() -> ContainerSelection.resolve(pod, "x"))
        .hasMessage("container x is not valid for pod p");
  }
}
