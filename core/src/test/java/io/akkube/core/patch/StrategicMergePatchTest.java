package io.akkube.core.patch;

import static io.akkube.core.patch.PatchesTest.assertStatus;
import static io.akkube.core.patch.PatchesTest.bytes;
import static io.akkube.core.patch.PatchesTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

  private static final ResourceType DEPLOYMENTS =
      new ResourceType(
          "apps",
          "v1",
          "Deployment",
          "deployments",
          "deployment",
          true,
          List.of("deploy"),
          List.of("all"),
          Set.of("status", "scale"));
  private static final ResourceType SERVICES =
      new ResourceType(
          "", "v1", "Service", "services", "service", true, List.of("svc"), List.of(), Set.of());

  private static final String POD =
      "{'metadata':{'name':'web','labels':{'app':'web','tier':'fe'},'finalizers':['a','b']},"
          + "'spec':{'containers':["
          + "{'name':'web','image':'nginx:1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],"
          + "'ports':[{'containerPort':80,'protocol':'TCP'}]},"
          + "{'name':'log','image':'fluent:1'}],"
          + "'tolerations':[{'key':'a','operator':'Exists'}]}}";

  @Test
  void aContainerWithANewNameIsAddedInFrontAsKubernetesOrdersIt() {
    ObjectNode patched = smp(POD, "{'spec':{'containers':[{'name':'side','image':'busybox'}]}}");
    assertThat(names(patched.at("/spec/containers"))).containsExactly("side", "web", "log");
  }

  @Test
  void changingOneContainersImageKeepsTheOthersAndTheirOrder() {
    ObjectNode patched = smp(POD, "{'spec':{'containers':[{'name':'log','image':'fluent:2'}]}}");
    assertThat(names(patched.at("/spec/containers"))).containsExactly("web", "log");
    assertThat(patched.at("/spec/containers/1/image").asText()).isEqualTo("fluent:2");
    assertThat(patched.at("/spec/containers/0/image").asText()).isEqualTo("nginx:1");
    assertThat(patched.at("/spec/containers/0/env")).hasSize(2);
  }

  @Test
  void patchDeleteRemovesAContainerByName() {
    ObjectNode patched = smp(POD, "{'spec':{'containers':[{'$patch':'delete','name':'web'}]}}");
    assertThat(names(patched.at("/spec/containers"))).containsExactly("log");
  }

  @Test
  void envMergesByName() {
    ObjectNode patched =
        smp(
            POD,
            "{'spec':{'containers':[{'name':'web','env':["
                + "{'name':'B','value':'3'},{'name':'C','value':'4'}]}]}}");
    JsonNode env = patched.at("/spec/containers/0/env");
    assertThat(names(env)).containsExactly("A", "B", "C");
    assertThat(env.get(1).get("value").asText()).isEqualTo("3");
    assertThat(env.get(0).get("value").asText()).isEqualTo("1");
  }

  @Test
  void portsMergeByContainerPortAndNullDeletesAField() {
    ObjectNode patched =
        smp(
            POD,
            "{'spec':{'containers':[{'name':'web','ports':[{'containerPort':80,'protocol':null,"
                + "'name':'http'}]}]}}");
    JsonNode ports = patched.at("/spec/containers/0/ports");
    assertThat(ports).hasSize(1);
    assertThat(ports.get(0).has("protocol")).isFalse();
    assertThat(ports.get(0).get("name").asText()).isEqualTo("http");
  }

  @Test
  void aNullLabelIsRemoved() {
    ObjectNode patched = smp(POD, "{'metadata':{'labels':{'tier':null,'track':'stable'}}}");
    assertThat(Json.labels(patched)).containsOnlyKeys("app", "track");
  }

  @Test
  void finalizersMergeAsASetAndCanBeDeletedFromThePrimitiveList() {
    ObjectNode added = smp(POD, "{'metadata':{'finalizers':['b','c']}}");
    assertThat(texts(added.at("/metadata/finalizers"))).containsExactly("a", "b", "c");

    ObjectNode removed = smp(POD, "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a']}}");
    assertThat(texts(removed.at("/metadata/finalizers"))).containsExactly("b");
    assertNoDirectives(removed);
  }

  @Test
  void tolerationsHaveNoMergeKeyAndAreReplaced() {
    ObjectNode patched =
        smp(POD, "{'spec':{'tolerations':[{'key':'b','operator':'Equal','value':'x'}]}}");
    assertThat(patched.at("/spec/tolerations")).hasSize(1);
    assertThat(patched.at("/spec/tolerations/0/key").asText()).isEqualTo("b");
  }

  @Test
  void patchReplaceOnAMapReplacesItWhole() {
    ObjectNode patched = smp(POD, "{'metadata':{'labels':{'$patch':'replace','only':'me'}}}");
    assertThat(Json.labels(patched)).containsOnlyKeys("only");
    assertNoDirectives(patched);
  }

  @Test
  void patchReplaceInAListReplacesTheList() {
    ObjectNode patched =
        smp(
            POD,
            "{'spec':{'containers':[{'$patch':'replace'},{'name':'solo','image':'busybox'}]}}");
    assertThat(names(patched.at("/spec/containers"))).containsExactly("solo");
    assertNoDirectives(patched);
  }

  @Test
  void retainKeysClearsTheFieldsItDoesNotName() {
    String deployment =
        "{'metadata':{'name':'d'},'spec':{'strategy':{'type':'RollingUpdate',"
            + "'rollingUpdate':{'maxSurge':1}}}}";
    ObjectNode patched =
        Patches.apply(
            PatchType.STRATEGIC_MERGE_PATCH,
            obj(deployment),
            bytes("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}"),
            DEPLOYMENTS);
    assertThat(patched.at("/spec/strategy")).isEqualTo(obj("{'type':'Recreate'}"));
  }

  @Test
  void retainKeysMustNameEveryPatchedField() {
    assertStatus(
        () -> smp(POD, "{'spec':{'$retainKeys':['containers'],'nodeName':'n1'}}"),
        400,
        "BadRequest",
        "invalid patch format of retainKeys");
  }

  @Test
  void setElementOrderOrdersTheListAndDoesNotLeakIntoTheResult() {
    // What kubectl apply sends after the container order changed in the manifest.
    ObjectNode patched =
        smp(
            POD,
            "{'metadata':{'$setElementOrder/finalizers':['b','a']},"
                + "'spec':{'$setElementOrder/containers':[{'name':'log'},{'name':'web'}],"
                + "'containers':[{'name':'web','image':'nginx:2'}]}}");
    assertThat(names(patched.at("/spec/containers"))).containsExactly("log", "web");
    assertThat(patched.at("/spec/containers/1/image").asText()).isEqualTo("nginx:2");
    assertThat(texts(patched.at("/metadata/finalizers"))).containsExactly("b", "a");
    assertNoDirectives(patched);
  }

  @Test
  void setElementOrderAddsNewItemsWhereTheOrderPutsThem() {
    ObjectNode patched =
        smp(
            POD,
            "{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'side'},{'name':'log'}],"
                + "'containers':[{'name':'side','image':'busybox'}]}}");
    assertThat(names(patched.at("/spec/containers"))).containsExactly("web", "side", "log");
    assertNoDirectives(patched);
  }

  @Test
  void workloadTemplatesUseThePodSpecMergeKeys() {
    String deployment =
        "{'metadata':{'name':'d'},'spec':{'template':{'spec':{'containers':["
            + "{'name':'a','image':'x:1'},{'name':'b','image':'y:1'}]}}}}";
    ObjectNode patched =
        Patches.apply(
            PatchType.STRATEGIC_MERGE_PATCH,
            obj(deployment),
            bytes("{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'y:2'}]}}}}"),
            DEPLOYMENTS);
    assertThat(names(patched.at("/spec/template/spec/containers"))).containsExactly("a", "b");
    assertThat(patched.at("/spec/template/spec/containers/1/image").asText()).isEqualTo("y:2");
  }

  @Test
  void statusConditionsMergeByType() {
    String pod =
        "{'metadata':{'name':'p'},'status':{'conditions':["
            + "{'type':'PodScheduled','status':'True'},{'type':'Ready','status':'False'}]}}";
    ObjectNode patched = smp(pod, "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}");
    assertThat(patched.at("/status/conditions")).hasSize(2);
    assertThat(patched.at("/status/conditions/1/status").asText()).isEqualTo("True");
  }

  @Test
  void servicePortsMergeByPort() {
    String service =
        "{'metadata':{'name':'s'},'spec':{'ports':[{'port':80,'name':'http'},{'port':443,'name':'https'}]}}";
    ObjectNode patched =
        Patches.apply(
            PatchType.STRATEGIC_MERGE_PATCH,
            obj(service),
            bytes("{'spec':{'ports':[{'port':443,'targetPort':8443}]}}"),
            SERVICES);
    assertThat(patched.at("/spec/ports")).hasSize(2);
    assertThat(patched.at("/spec/ports/1/targetPort").asInt()).isEqualTo(8443);
    assertThat(patched.at("/spec/ports/1/name").asText()).isEqualTo("https");
  }

  @Test
  void anItemWithoutItsMergeKeyFailsAsInKubernetes() {
    assertStatus(
        () -> smp(POD, "{'spec':{'containers':[{'image':'x'}]}}"),
        500,
        "InternalError",
        "map: map[image:x] does not contain declared merge key: name");
  }

  @Test
  void aNewFieldIsTakenWithoutItsNullsAndDirectives() {
    ObjectNode patched =
        smp(
            POD,
            "{'spec':{'affinity':{'nodeAffinity':null,'podAffinity':{'x':1}},"
                + "'volumes':[{'name':'v','emptyDir':{}},{'$patch':'delete','name':'w'}]}}");
    assertThat(patched.at("/spec/affinity")).isEqualTo(obj("{'podAffinity':{'x':1}}"));
    assertThat(names(patched.at("/spec/volumes"))).containsExactly("v");
  }

  @Test
  void directivesKubernetesRejectsAreRejected() {
    assertStatus(
        () -> smp(POD, "{'spec':{'containers':[{'$patch':'merge','name':'web'}]}}"),
        500,
        "InternalError",
        "merging lists cannot yet be specified in the patch");
    assertStatus(
        () -> smp(POD, "{'metadata':{'labels':{'$patch':'merge'}}}"),
        500,
        "InternalError",
        "unknown patch type: merge in map: map[$patch:merge]");
    assertStatus(
        () -> smp(POD, "{'metadata':{'$deleteFromPrimitiveListfinalizers':['a']}}"),
        400,
        "BadRequest",
        "invalid patch format of primitive list");
  }

  @Test
  void nodeAddressesAndConditionsMergeByType() {
    String node =
        "{'metadata':{'name':'n1'},'status':{'addresses':[{'type':'InternalIP','address':'10.0.0.1'},"
            + "{'type':'Hostname','address':'n1'}],'conditions':[{'type':'Ready','status':'False'}]}}";
    ObjectNode patched =
        Patches.apply(
            PatchType.STRATEGIC_MERGE_PATCH,
            obj(node),
            bytes(
                "{'status':{'addresses':[{'type':'InternalIP','address':'10.0.0.2'}],"
                    + "'conditions':[{'type':'Ready','status':'True'}]}}"),
            ResourceTypes.NODES);
    assertThat(patched.at("/status/addresses")).hasSize(2);
    assertThat(patched.at("/status/addresses/0/address").asText()).isEqualTo("10.0.0.2");
    assertThat(patched.at("/status/conditions/0/status").asText()).isEqualTo("True");
  }

  private static ObjectNode smp(String current, String patch) {
    return Patches.apply(
        PatchType.STRATEGIC_MERGE_PATCH, obj(current), bytes(patch), ResourceTypes.PODS);
  }

  private static List<String> names(JsonNode list) {
    List<String> names = new ArrayList<>();
    list.forEach(item -> names.add(item.path("name").asText()));
    return names;
  }

  private static List<String> texts(JsonNode list) {
    List<String> texts = new ArrayList<>();
    list.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static void assertNoDirectives(JsonNode node) {
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                assertThat(e.getKey()).doesNotStartWith("$");
                assertNoDirectives(e.getValue());
              });
    } else if (node.isArray()) {
      node.forEach(StrategicMergePatchTest::assertNoDirectives);
    }
  }
}
