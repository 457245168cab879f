package io.akkube.core.api.policy.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodDisruptionBudgetTest {

  private final PodDisruptionBudgetStrategy strategy = new PodDisruptionBudgetStrategy();

  private static ObjectNode pdb(String spec) {
    return Json.parseObject(
        ("{'metadata':{'name':'web','namespace':'default'},'spec':{"
                + "'selector':{'matchLabels':{'app':'web'}}"
                + spec
                + "}}")
            .replace('\'', '"')
            .getBytes());
  }

  private List<String> errors(ObjectNode pdb) {
    strategy.prepareForCreate(pdb);
    return strategy.validateCreate(pdb).stream().map(FieldError::message).toList();
  }

  @Test
  void aBudgetStartsWithAZeroStatus() {
    ObjectNode pdb = pdb(",'minAvailable':'50%'");
    assertThat(errors(pdb)).isEmpty();
    assertThat(pdb.at("/status/disruptionsAllowed").asInt()).isZero();
    assertThat(pdb.at("/status/expectedPods").asInt()).isZero();
  }

  @Test
  void onlyOneBoundAndEachACountOrPercentage() {
    assertThat(errors(pdb(",'minAvailable':1,'maxUnavailable':1")))
        .singleElement()
        .asString()
        .startsWith("spec: Invalid value: policy.PodDisruptionBudgetSpec{")
        .endsWith(": minAvailable and maxUnavailable cannot be both set");
    assertThat(errors(pdb(",'maxUnavailable':'150%'")))
        .containsExactly(
            "spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0,"
                + " StrVal:\"150%\"}: must not be greater than 100%");
    assertThat(errors(pdb(",'minAvailable':-1")))
        .containsExactly(
            "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0");
  }
}
