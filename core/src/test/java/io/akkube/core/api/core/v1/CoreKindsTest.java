package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.messages;
import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Namespace, Node, Event, ConfigMap and Secret rules. */
class CoreKindsTest {

  @Test
  void aNewNamespaceIsActiveWithTheKubernetesFinalizerAndNameLabel() {
    NamespaceStrategy strategy = new NamespaceStrategy();
    ObjectNode ns = obj("{'metadata':{'name':'team-a'},'status':{'phase':'Terminating'}}");
    strategy.prepareForCreate(ns);
    strategy.applyDefaults(ns);
    assertThat(ns.get("status")).isEqualTo(obj("{'phase':'Active'}"));
    assertThat(ns.at("/spec/finalizers")).isEqualTo(obj("{'f':['kubernetes']}").get("f"));
    assertThat(ns.at("/metadata/labels/kubernetes.io~1metadata.name").asText()).isEqualTo("team-a");
    assertThat(strategy.tracksGeneration()).isFalse();
    assertThat(strategy.hasPendingFinalizers(ns)).isTrue();
  }

  @Test
  void namespaceUpdatesCannotChangeSpecFinalizers() {
    NamespaceStrategy strategy = new NamespaceStrategy();
    ObjectNode old =
        obj(
            "{'metadata':{'name':'a'},'spec':{'finalizers':['kubernetes']},'status':{'phase':'Active'}}");
    ObjectNode update = obj("{'metadata':{'name':'a'},'spec':{'finalizers':[]}}");
    strategy.prepareForUpdate(update, old);
    assertThat(update).isEqualTo(old);
    assertThat(messages(strategy.validateCreate(obj("{'spec':{'finalizers':['custom']}}"))))
        .containsExactly(
            "spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name"
                + " nor is it fully qualified");
  }

  @Test
  void nodeTaintsAreValidatedAndAllocatableDefaultsToCapacity() {
    NodeStrategy strategy = new NodeStrategy();
    ObjectNode node =
        obj(
            "{'metadata':{'name':'n1'},'spec':{'taints':[{'key':'dedicated','value':'gpu','effect':'NoSchedule'},"
                + "{'key':'dedicated','value':'x','effect':'NoSchedule'},{'key':'k','effect':'Sometimes'}]},"
                + "'status':{'capacity':{'cpu':'4','memory':'8192Mi','pods':'110'}}}");
    strategy.applyDefaults(node);
    assertThat(node.at("/status/allocatable"))
        .isEqualTo(obj("{'cpu':'4','memory':'8Gi','pods':'110'}"));
    assertThat(messages(strategy.validateCreate(node)))
        .containsExactly(
            "metadata.taints[1]: Duplicate value:"
                + " {\"key\":\"dedicated\",\"value\":\"x\",\"effect\":\"NoSchedule\"}:"
                + " taints must be unique by key and effect pair",
            "metadata.taints[2].effect: Unsupported value: \"Sometimes\": supported values:"
                + " \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
  }

  @Test
  void eventsMustAgreeWithTheirInvolvedObjectsNamespace() {
    EventStrategy strategy = new EventStrategy();
    ObjectNode ok =
        obj(
            "{'metadata':{'name':'web.1','namespace':'shop'},'involvedObject':{'kind':'Pod','namespace':'shop'}}");
    assertThat(strategy.validateCreate(ok)).isEmpty();
    ObjectNode mismatched =
        obj(
            "{'metadata':{'name':'web.1','namespace':'shop'},'involvedObject':{'kind':'Pod','namespace':'other'}}");
    assertThat(messages(strategy.validateCreate(mismatched)))
        .containsExactly(
            "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace");
    ObjectNode newStyle =
        obj(
            "{'metadata':{'name':'e','namespace':'shop'},'eventTime':'2024-01-01T00:00:00.000000Z',"
                + "'involvedObject':{'namespace':'shop'}}");
    assertThat(messages(strategy.validateCreate(newStyle)))
        .containsExactly(
            "reportingComponent: Required value",
            "reportingComponent: Invalid value: \"\": name part must be non-empty",
            "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric"
                + " characters, '-', '_' or '.', and must start and end with an alphanumeric"
                + " character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
                + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "reportingInstance: Required value",
            "action: Required value",
            "reason: Required value");
  }

  @Test
  void configMapKeysMustBeValidUniqueAndSmall() {
    ConfigMapStrategy strategy = new ConfigMapStrategy();
    ObjectNode cm =
        obj("{'metadata':{'name':'c'},'data':{'a b':'x','k':'v'},'binaryData':{'k':'AAAA'}}");
    assertThat(messages(strategy.validateCreate(cm)))
        .containsExactly(
            "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric"
                + " characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name',"
                + " regex used for validation is '[-._a-zA-Z0-9]+')",
            "data[k]: Invalid value: \"k\": duplicate of key present in binaryData");
    ObjectNode big = obj("{'metadata':{'name':'c'}}");
    big.with("data").put("big", "x".repeat(1024 * 1024 + 1));
    assertThat(messages(strategy.validateCreate(big)))
        .containsExactly(": Too long: must have at most 1048576 bytes");
  }

  @Test
  void anImmutableConfigMapKeepsItsData() {
    ConfigMapStrategy strategy = new ConfigMapStrategy();
    ObjectNode old = obj("{'metadata':{'name':'c'},'immutable':true,'data':{'k':'v'}}");
    ObjectNode update = obj("{'metadata':{'name':'c'},'data':{'k':'w'}}");
    assertThat(messages(strategy.validateUpdate(update, old)))
        .containsExactly(
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set");
  }

  @Test
  void secretStringDataIsMergedIntoDataAsBase64() {
    SecretStrategy strategy = new SecretStrategy();
    ObjectNode secret =
        obj(
            "{'metadata':{'name':'s'},'data':{'a':'b2xk','keep':'eA=='},'stringData':{'a':'new','b':'two'}}");
    strategy.applyDefaults(secret);
    assertThat(secret.has("stringData")).isFalse();
    assertThat(secret.get("type").asText()).isEqualTo("Opaque");
    assertThat(secret.get("data"))
        .isEqualTo(
            obj(
                "{'a':'"
                    + Base64.getEncoder().encodeToString("new".getBytes())
                    + "','keep':'eA==','b':'"
                    + Base64.getEncoder().encodeToString("two".getBytes())
                    + "'}"));
    assertThat(strategy.validateCreate(secret)).isEmpty();
  }

  @Test
  void secretDataMustBeBase64AndTypedSecretsNeedTheirKeys() {
    SecretStrategy strategy = new SecretStrategy();
    ObjectNode bad =
        obj(
            "{'metadata':{'name':'s'},'type':'kubernetes.io/tls','data':{'tls.crt':'not base64!'}}");
    assertThat(messages(strategy.validateCreate(bad)))
        .containsExactly(
            "data[tls.crt]: Invalid value: \"<secret contents redacted>\": must be a base64-encoded"
                + " string",
            "data[tls.key]: Required value");
    ObjectNode old = obj("{'metadata':{'name':'s'},'type':'Opaque'}");
    ObjectNode retyped =
        obj(
            "{'metadata':{'name':'s'},'type':'kubernetes.io/basic-auth','data':{'username':'YQ=='}}");
    assertThat(messages(strategy.validateUpdate(retyped, old)))
        .containsExactly("type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable");
  }
}
