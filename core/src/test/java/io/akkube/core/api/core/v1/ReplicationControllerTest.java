package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.messages;
import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ReplicationControllerTest {

  private final ReplicationControllerStrategy strategy = new ReplicationControllerStrategy();

  private static ObjectNode rc(String specExtra) {
    return obj(
        "{'metadata':{'name':'web','namespace':'default'},'spec':{"
            + "'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'nginx','image':'nginx:1.17'}]}}"
            + specExtra
            + "}}");
  }

  @Test
  void selectorAndLabelsDefaultToTheTemplateLabels() {
    ObjectNode rc = rc("");
    strategy.prepareForCreate(rc);
    strategy.applyDefaults(rc);
    assertThat(strategy.validateCreate(rc)).isEmpty();
    assertThat(rc.at("/spec/selector")).isEqualTo(obj("{'app':'web'}"));
    assertThat(rc.at("/metadata/labels")).isEqualTo(obj("{'app':'web'}"));
    assertThat(rc.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(rc.get("status")).isEqualTo(obj("{'replicas':0}"));
  }

  @Test
  void aMismatchedSelectorAndARestartingTemplateAreRejected() {
    ObjectNode rc = rc(",'selector':{'app':'db'}");
    rc.with("spec").with("template").with("spec").put("restartPolicy", "OnFailure");
    strategy.applyDefaults(rc);
    assertThat(messages(strategy.validateCreate(rc)))
        .containsExactly(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}:"
                + " `selector` does not match template `labels`",
            "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported"
                + " values: \"Always\"");
  }

  @Test
  void aControllerWithoutTemplateOrSelectorIsRejected() {
    ObjectNode rc = obj("{'metadata':{'name':'web','namespace':'default'},'spec':{}}");
    strategy.applyDefaults(rc);
    assertThat(messages(strategy.validateCreate(rc)))
        .containsExactly("spec.selector: Required value", "spec.template: Required value");
  }
}
