package io.akkube.core.selection;

import static io.akkube.core.selection.LabelSelectorTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

  private static final JsonNode RUNNING_POD =
      json(
          "{'metadata':{'name':'web-1','namespace':'default'},"
              + "'spec':{'nodeName':'n1','restartPolicy':'Always','schedulerName':'default-scheduler',"
              + "'serviceAccountName':'default'},"
              + "'status':{'phase':'Running','podIP':'10.0.0.7','podIPs':[{'ip':'10.0.0.7'}]}}");
  private static final JsonNode PENDING_POD =
      json(
          "{'metadata':{'name':'web-2','namespace':'default'},'spec':{},'status':{'phase':'Pending'}}");

  @Test
  void podsAreSelectedByNodeNameAndPhase() {
    FieldSelector onNode = FieldSelector.parse(ResourceTypes.PODS, "spec.nodeName=n1");
    assertThat(onNode.matches(RUNNING_POD)).isTrue();
    assertThat(onNode.matches(PENDING_POD)).isFalse();

    FieldSelector notFailed =
        FieldSelector.parse(ResourceTypes.PODS, "status.phase!=Failed,status.phase!=Succeeded");
    assertThat(notFailed.matches(RUNNING_POD)).isTrue();
    assertThat(notFailed.matches(PENDING_POD)).isTrue();

    assertThat(
            FieldSelector.parse(ResourceTypes.PODS, "status.podIP==10.0.0.7").matches(RUNNING_POD))
        .isTrue();
    assertThat(
            FieldSelector.parse(
                    ResourceTypes.PODS, "metadata.name=web-2,metadata.namespace=default")
                .matches(PENDING_POD))
        .isTrue();
  }

  @Test
  void anAbsentFieldReadsAsEmpty() {
    FieldSelector unscheduled = FieldSelector.parse(ResourceTypes.PODS, "spec.nodeName=");
    assertThat(unscheduled.matches(PENDING_POD)).isTrue();
    assertThat(unscheduled.matches(RUNNING_POD)).isFalse();
    assertThat(FieldSelector.parse(ResourceTypes.PODS, "spec.nodeName!=").matches(RUNNING_POD))
        .isTrue();
  }

  @Test
  void booleanFieldsReadFalseWhenAbsent() {
    assertThat(
            FieldSelector.parse(ResourceTypes.PODS, "spec.hostNetwork=false").matches(PENDING_POD))
        .isTrue();
    JsonNode cordoned = json("{'metadata':{'name':'n1'},'spec':{'unschedulable':true}}");
    assertThat(
            FieldSelector.parse(ResourceTypes.NODES, "spec.unschedulable=true").matches(cordoned))
        .isTrue();
    assertThat(
            FieldSelector.parse(ResourceTypes.NODES, "spec.unschedulable=false")
                .matches(json("{'metadata':{'name':'n2'}}")))
        .isTrue();
  }

  @Test
  void theLegacySpecHostMeansNodeName() {
    FieldSelector sel = FieldSelector.parse(ResourceTypes.PODS, "spec.host=n1");
    assertThat(sel.matches(RUNNING_POD)).isTrue();
    assertThat(sel.requiredValue("spec.nodeName")).contains("n1");
  }

  @Test
  void requiredValueServesIndexLookups() {
    FieldSelector sel =
        FieldSelector.parse(ResourceTypes.PODS, "status.phase!=Failed,spec.nodeName==n1");
    assertThat(sel.requiredValue("spec.nodeName")).contains("n1");
    assertThat(sel.requiredValue("status.phase")).isEmpty();
  }

  @Test
  void eventsAreSelectedByInvolvedObjectReasonSourceAndType() {
    JsonNode event =
        json(
            "{'metadata':{'name':'e1','namespace':'default'},"
                + "'involvedObject':{'kind':'Pod','name':'web-1','namespace':'default','uid':'u1'},"
                + "'reason':'Scheduled','type':'Normal','reportingComponent':'default-scheduler'}");
    FieldSelector sel =
        FieldSelector.parse(
            ResourceTypes.EVENTS,
            "involvedObject.kind=Pod,involvedObject.name=web-1,involvedObject.uid=u1,"
                + "reason=Scheduled,type=Normal");
    assertThat(sel.matches(event)).isTrue();
    // source falls back to the reporting component when source.component is empty.
    assertThat(FieldSelector.parse(ResourceTypes.EVENTS, "source=default-scheduler").matches(event))
        .isTrue();
    assertThat(
            FieldSelector.parse(ResourceTypes.EVENTS, "reportingComponent=default-scheduler")
                .matches(event))
        .isTrue();
  }

  @Test
  void secretsByTypeAndNamespacesByPhase() {
    JsonNode secret = json("{'metadata':{'name':'s','namespace':'a'},'type':'kubernetes.io/tls'}");
    assertThat(FieldSelector.parse(ResourceTypes.SECRETS, "type=kubernetes.io/tls").matches(secret))
        .isTrue();
    JsonNode ns = json("{'metadata':{'name':'a'},'status':{'phase':'Terminating'}}");
    assertThat(FieldSelector.parse(ResourceTypes.NAMESPACES, "status.phase=Active").matches(ns))
        .isFalse();
    assertThat(FieldSelector.parse(ResourceTypes.NAMESPACES, "metadata.name=a").matches(ns))
        .isTrue();
  }

  @Test
  void unsupportedFieldsAreBadRequestsWordedAsKubernetes() {
    assertRejected(ResourceTypes.PODS, "spec.foo=x", "field label not supported: spec.foo");
    assertRejected(ResourceTypes.EVENTS, "message=x", "field label not supported: message");
    // Kubernetes offers nodes and namespaces no metadata.namespace selector.
    assertRejected(
        ResourceTypes.NODES,
        "metadata.namespace=x",
        "field label not supported: metadata.namespace");
    // Fields are not trimmed.
    assertRejected(
        ResourceTypes.PODS, "status.phase =Running", "field label not supported: status.phase ");
    // Kinds without their own conversion get the generic wording.
    assertRejected(
        ResourceTypes.CONFIG_MAPS,
        "data.x=y",
        "\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  }

  @Test
  void syntaxAndEscapingErrorsAreBadRequests() {
    assertRejected(
        ResourceTypes.PODS,
        "spec.nodeName",
        "invalid selector: 'spec.nodeName'; can't understand 'spec.nodeName'");
    assertRejected(
        ResourceTypes.PODS,
        "metadata.name=a=b",
        "invalid field selector: unescaped character in value: 61");
    assertRejected(
        ResourceTypes.PODS,
        "metadata.name=a\\b",
        "invalid field selector: invalid escape sequence: \\b");
  }

  @Test
  void escapedValuesAreUnescapedForMatchingAndEscapedWhenPrinted() {
    FieldSelector sel = FieldSelector.parse(ResourceTypes.CONFIG_MAPS, "metadata.name=a\\,b\\=c");
    assertThat(sel.matches(json("{'metadata':{'name':'a,b=c'}}"))).isTrue();
    assertThat(sel.toString()).isEqualTo("metadata.name=a\\,b\\=c");
  }

  @Test
  void emptySelectorsSelectEverything() {
    assertThat(FieldSelector.parse(ResourceTypes.PODS, null).isEmpty()).isTrue();
    assertThat(FieldSelector.parse(ResourceTypes.PODS, "").matches(RUNNING_POD)).isTrue();
    assertThat(FieldSelector.parse(ResourceTypes.PODS, ",").isEmpty()).isTrue();
  }

  private static void assertRejected(ResourceType type, String selector, String message) {
    assertThatThrownBy(() -> FieldSelector.parse(type, selector))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(400);
              assertThat(e.status().reason()).isEqualTo("BadRequest");
              assertThat(e.status().message()).isEqualTo(message);
            });
  }
}
