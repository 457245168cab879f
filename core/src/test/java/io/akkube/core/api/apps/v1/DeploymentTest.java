package io.akkube.core.api.apps.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentTest {

  private final DeploymentStrategy strategy = new DeploymentStrategy();

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode deployment(String specExtra) {
    return obj(
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default'},"
            + "'spec':{'selector':{'matchLabels':{'app':'web'}},"
            + "'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'nginx','image':'nginx:1.17'}]}}"
            + (specExtra.isEmpty() ? "" : "," + specExtra)
            + "}}");
  }

  private List<String> errorsOnCreate(ObjectNode d) {
    strategy.prepareForCreate(d);
    strategy.applyDefaults(d);
    return strategy.validateCreate(d).stream().map(FieldError::message).toList();
  }

  @Test
  void aMinimalDeploymentGetsKubernetesDefaults() {
    ObjectNode d = deployment("");
    strategy.applyDefaults(d);
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(d.at("/spec/strategy"))
        .isEqualTo(
            obj(
                "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':'25%','maxSurge':'25%'}}"));
    assertThat(d.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(d.at("/spec/progressDeadlineSeconds").asInt()).isEqualTo(600);
    assertThat(d.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Always");
    assertThat(d.at("/spec/template/spec/containers/0/imagePullPolicy").asText())
        .isEqualTo("IfNotPresent");
    // Admission defaults belong to pods, not templates.
    assertThat(d.at("/spec/template/spec/serviceAccountName").isMissingNode()).isTrue();
    assertThat(strategy.validateCreate(d)).isEmpty();
  }

  @Test
  void aRecreateDeploymentGetsNoRollingUpdate() {
    ObjectNode d = deployment("'strategy':{'type':'Recreate'}");
    strategy.applyDefaults(d);
    assertThat(d.at("/spec/strategy")).isEqualTo(obj("{'type':'Recreate'}"));
  }

  @Test
  void aSelectorThatDoesNotMatchTheTemplateIsRejectedAsKubernetesWordsIt() {
    ObjectNode d = deployment("");
    d.with("spec").with("selector").with("matchLabels").put("app", "other");
    assertThat(errorsOnCreate(d))
        .containsExactly(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}:"
                + " `selector` does not match template `labels`");
  }

  @Test
  void aMissingOrEmptySelectorIsRejected() {
    ObjectNode missing = deployment("");
    missing.with("spec").remove("selector");
    assertThat(errorsOnCreate(missing))
        .containsExactly(
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}:"
                + " `selector` does not match template `labels`");
    ObjectNode empty = deployment("");
    empty.with("spec").putObject("selector");
    assertThat(errorsOnCreate(empty))
        .containsExactly(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid"
                + " for deployment");
  }

  @Test
  void replicasStrategyAndTemplateRulesAreChecked() {
    assertThat(errorsOnCreate(deployment("'replicas':-1")))
        .containsExactly("spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    assertThat(
            errorsOnCreate(
                deployment("'strategy':{'rollingUpdate':{'maxSurge':0,'maxUnavailable':0}}")))
        .containsExactly(
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value:"
                + " intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge`"
                + " is 0");
    assertThat(
            errorsOnCreate(
                deployment(
                    "'strategy':{'rollingUpdate':{'maxSurge':'x','maxUnavailable':'120%'}}")))
        .containsExactly(
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1,"
                + " IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string"
                + " followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is"
                + " '[0-9]+%')",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value:"
                + " intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}: must not be greater than"
                + " 100%");
    assertThat(
            errorsOnCreate(
                deployment("'strategy':{'type':'Recreate','rollingUpdate':{'maxSurge':1}}")))
        .containsExactly(
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is"
                + " 'Recreate'");
    ObjectNode never = deployment("");
    never.with("spec").with("template").with("spec").put("restartPolicy", "Never");
    assertThat(errorsOnCreate(never))
        .containsExactly(
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values:"
                + " \"Always\"");
  }

  @Test
  void theSelectorIsImmutable() {
    ObjectNode old = deployment("");
    strategy.applyDefaults(old);
    ObjectNode changed = deployment("");
    changed.with("spec").with("selector").with("matchLabels").put("tier", "front");
    changed.with("spec").with("template").with("metadata").with("labels").put("tier", "front");
    strategy.applyDefaults(changed);
    assertThat(strategy.validateUpdate(changed, old).stream().map(FieldError::message))
        .containsExactly(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
                + "\"app\":\"web\", \"tier\":\"front\"},"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
  }

  @Test
  void statusStartsEmptyAndEachSideKeepsTheOther() {
    ObjectNode d = deployment("");
    d.set("status", obj("{'replicas':3}"));
    strategy.prepareForCreate(d);
    assertThat(d.get("status")).isEqualTo(obj("{}"));

    ObjectNode old = deployment("");
    old.set("status", obj("{'replicas':3,'readyReplicas':2}"));
    ObjectNode update = deployment("'replicas':5");
    update.set("status", obj("{'replicas':9}"));
    strategy.prepareForUpdate(update, old);
    assertThat(update.get("status")).isEqualTo(old.get("status"));

    ObjectNode statusUpdate = deployment("'replicas':7");
    statusUpdate.set("status", obj("{'replicas':3,'readyReplicas':3}"));
    strategy.prepareForStatusUpdate(statusUpdate, old);
    assertThat(statusUpdate.get("spec")).isEqualTo(old.get("spec"));
    assertThat(strategy.tracksGeneration()).isTrue();
  }

  @Test
  void anAnnotationChangeBumpsTheGeneration() {
    ObjectNode old = deployment("");
    old.with("metadata").put("generation", 4);
    ObjectNode update = deployment("");
    update.with("metadata").put("generation", 4);
    update.with("metadata").with("annotations").put("kubernetes.io/change-cause", "x");
    strategy.prepareForUpdate(update, old);
    assertThat(update.at("/metadata/generation").asLong()).isEqualTo(5);
  }
}
