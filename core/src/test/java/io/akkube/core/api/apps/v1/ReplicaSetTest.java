package io.akkube.core.api.apps.v1;

import static io.akkube.core.api.apps.v1.DeploymentTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaSetTest {

  private final ReplicaSetStrategy strategy = new ReplicaSetStrategy();

  private static ObjectNode replicaSet(String selector) {
    return obj(
        "{'metadata':{'name':'web-1','namespace':'default'},'spec':{'selector':"
            + selector
            + ",'template':{'metadata':{'labels':{'app':'web','pod-template-hash':'1'}},"
            + "'spec':{'containers':[{'name':'nginx','image':'nginx'}]}}}}");
  }

  private List<String> errors(ObjectNode rs) {
    strategy.prepareForCreate(rs);
    strategy.applyDefaults(rs);
    return strategy.validateCreate(rs).stream().map(FieldError::message).toList();
  }

  @Test
  void aMinimalReplicaSetHasOneReplicaAndAZeroStatus() {
    ObjectNode rs = replicaSet("{'matchLabels':{'app':'web'}}");
    assertThat(errors(rs)).isEmpty();
    assertThat(rs.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(rs.get("status")).isEqualTo(obj("{'replicas':0}"));
    assertThat(rs.at("/spec/template/spec/containers/0/imagePullPolicy").asText())
        .isEqualTo("Always");
  }

  @Test
  void selectorExpressionsAreValidatedAndMatched() {
    assertThat(
            errors(
                replicaSet(
                    "{'matchExpressions':[{'key':'app','operator':'In','values':['web','api']}]}")))
        .isEmpty();
    assertThat(errors(replicaSet("{'matchExpressions':[{'key':'app','operator':'In'}]}")))
        .contains(
            "spec.selector.matchExpressions[0].values: Required value: must be specified when"
                + " `operator` is 'In' or 'NotIn'");
    assertThat(errors(replicaSet("{'matchExpressions':[{'key':'app','operator':'Near'}]}")))
        .contains(
            "spec.selector.matchExpressions[0].operator: Invalid value: \"Near\": not a valid"
                + " selector operator",
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                + " MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{"
                + "Key:\"app\", Operator:\"Near\", Values:[]string(nil)}}}: invalid label selector");
  }

  @Test
  void theTemplateMayNotHaveADeadline() {
    ObjectNode rs = replicaSet("{'matchLabels':{'app':'web'}}");
    rs.with("spec").with("template").with("spec").put("activeDeadlineSeconds", 10);
    assertThat(errors(rs))
        .containsExactly(
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in"
                + " ReplicaSet is not Supported");
  }

  @Test
  void statusCountsMayNotExceedReplicas() {
    ObjectNode rs = replicaSet("{'matchLabels':{'app':'web'}}");
    rs.set("status", obj("{'replicas':1,'readyReplicas':2,'availableReplicas':1}"));
    assertThat(strategy.validateStatusUpdate(rs, rs).stream().map(FieldError::message))
        .containsExactly(
            "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas");
  }
}
