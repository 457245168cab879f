package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.messages;
import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  private final EndpointsStrategy strategy = new EndpointsStrategy();

  private static ObjectNode endpoints(String subsets) {
    return obj("{'metadata':{'name':'web','namespace':'default'},'subsets':" + subsets + "}");
  }

  @Test
  void portsDefaultToTcp() {
    ObjectNode ep = endpoints("[{'addresses':[{'ip':'10.0.0.1'}],'ports':[{'port':80}]}]");
    strategy.applyDefaults(ep);
    assertThat(ep.at("/subsets/0/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(strategy.validateCreate(ep)).isEmpty();
  }

  @Test
  void addressesMustBeUsableIps() {
    ObjectNode ep =
        endpoints(
            "[{'addresses':[{'ip':'127.0.0.1'},{'ip':'web'}],"
                + "'ports':[{'port':80,'protocol':'TCP'},{'name':'b','port':81,'protocol':'TCP'}]},"
                + "{'ports':[{'port':80,'protocol':'TCP'}]}]");
    // Unlike Kubernetes, a loopback address is a usable endpoint here: every pod and node address
    // of akkube is in 127.0.0.0/8 (docs/decisions/0006-service-allocation.md).
    assertThat(messages(strategy.validateCreate(ep)))
        .containsExactly(
            "subsets[0].addresses[1].ip: Invalid value: \"web\": must be a valid IP address",
            "subsets[0].ports[0].name: Required value",
            "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`");
  }
}
