package io.akkube.core.api.scheduling.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityClassTest {

  private final PriorityClassStrategy strategy = new PriorityClassStrategy();

  private static ObjectNode pc(String name, String fields) {
    return Json.parseObject(
        ("{'metadata':{'name':'" + name + "'}" + fields + "}").replace('\'', '"').getBytes());
  }

  private List<String> errors(ObjectNode pc) {
    strategy.applyDefaults(pc);
    return strategy.validateCreate(pc).stream().map(FieldError::message).toList();
  }

  @Test
  void preemptionPolicyDefaultsToPreemptLowerPriority() {
    ObjectNode pc = pc("high", ",'value':1000");
    assertThat(errors(pc)).isEmpty();
    assertThat(pc.path("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
  }

  @Test
  void userClassesStayBelowOneBillionAndOutOfTheSystemPrefix() {
    assertThat(errors(pc("huge", ",'value':1000000001")))
        .containsExactly(
            "value: Forbidden: maximum allowed value of a user defined priority is 1000000000");
    assertThat(errors(pc("system-mine", ",'value':10")))
        .containsExactly(
            "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved"
                + " for system use only. error: name system-mine is not a known system priority"
                + " class");
    assertThat(errors(pc("system-node-critical", ",'value':2000001000"))).isEmpty();
  }

  @Test
  void valueAndPreemptionPolicyAreFixed() {
    ObjectNode old = pc("high", ",'value':1000");
    strategy.applyDefaults(old);
    ObjectNode update = pc("high", ",'value':2000,'preemptionPolicy':'Never'");
    assertThat(strategy.validateUpdate(update, old).stream().map(FieldError::message))
        .containsExactly(
            "value: Forbidden: may not be changed in an update.",
            "preemptionPolicy: Invalid value: \"Never\": field is immutable");
    assertThat(strategy.tracksGeneration()).isFalse();
  }
}
