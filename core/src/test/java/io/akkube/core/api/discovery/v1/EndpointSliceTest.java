package io.akkube.core.api.discovery.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSliceTest {

  private final EndpointSliceStrategy strategy = new EndpointSliceStrategy();

  private static ObjectNode slice(String fields) {
    return Json.parseObject(
        ("{'metadata':{'name':'web-abc','namespace':'default'}" + fields + "}")
            .replace('\'', '"')
            .getBytes());
  }

  private static List<String> messages(List<FieldError> errs) {
    return errs.stream().map(FieldError::message).toList();
  }

  @Test
  void portsGetANameAndTcp() {
    ObjectNode s =
        slice(
            ",'addressType':'IPv4','endpoints':[{'addresses':['10.0.0.1']}],'ports':[{'port':80}]}");
    strategy.applyDefaults(s);
    assertThat(s.at("/ports/0/name").asText()).isEmpty();
    assertThat(s.at("/ports/0/protocol").asText()).isEqualTo("TCP");
    assertThat(strategy.validateCreate(s)).isEmpty();
    assertThat(strategy.tracksGeneration()).isTrue();
  }

  @Test
  void theAddressTypeIsRequiredMatchedAndImmutable() {
    assertThat(messages(strategy.validateCreate(slice(""))))
        .containsExactly("addressType: Required value");
    ObjectNode v4 = slice(",'addressType':'IPv4','endpoints':[{'addresses':['fd00::1']},{}]");
    assertThat(messages(strategy.validateCreate(v4)))
        .containsExactly(
            "endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address",
            "endpoints[1].addresses: Required value: must contain at least 1 address");
    ObjectNode v6 = slice(",'addressType':'IPv6'");
    assertThat(messages(strategy.validateUpdate(v6, slice(",'addressType':'IPv4'"))))
        .containsExactly("addressType: Invalid value: \"IPv6\": field is immutable");
  }
}
