package io.akkube.core.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.PatchType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PatchesTest {

  private static final String POD =
      "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'app':'web','tier':'fe'}},"
          + "'spec':{'containers':[{'name':'web','image':'nginx:1'}],"
          + "'tolerations':[{'key':'a','operator':'Exists'}]}}";

  @Test
  void mergePatchNullRemovesALabelAsKubectlLabelDoes() {
    ObjectNode patched = patch(PatchType.MERGE_PATCH, POD, "{'metadata':{'labels':{'tier':null}}}");
    assertThat(Json.labels(patched)).containsExactly(java.util.Map.entry("app", "web"));
  }

  @Test
  void mergePatchReplacesListsAndAddsFields() {
    ObjectNode patched =
        patch(
            PatchType.MERGE_PATCH,
            POD,
            "{'spec':{'containers':[{'name':'side','image':'busybox'}],'nodeName':'n1'}}");
    assertThat(patched.at("/spec/containers")).hasSize(1);
    assertThat(patched.at("/spec/containers/0/name").asText()).isEqualTo("side");
    assertThat(patched.at("/spec/nodeName").asText()).isEqualTo("n1");
  }

  @Test
  void patchingNeverModifiesTheCurrentObject() {
    ObjectNode current = obj(POD);
    ObjectNode before = current.deepCopy();
    for (PatchType type :
        new PatchType[] {PatchType.MERGE_PATCH, PatchType.STRATEGIC_MERGE_PATCH}) {
      Patches.apply(
          type,
          current,
          bytes(
              "{'metadata':{'labels':{'tier':null}},'spec':{'containers':[{'name':'web','image':'x'}]}}"),
          ResourceTypes.PODS);
    }
    Patches.apply(
        PatchType.JSON_PATCH,
        current,
        bytes("[{'op':'remove','path':'/metadata/labels/tier'}]"),
        ResourceTypes.PODS);
    assertThat(current).isEqualTo(before);
  }

  @Test
  void jsonPatchAddsReplacesRemovesAndTests() {
    ObjectNode patched =
        patch(
            PatchType.JSON_PATCH,
            POD,
            "[{'op':'test','path':'/spec/containers/0/image','value':'nginx:1'},"
                + "{'op':'replace','path':'/spec/containers/0/image','value':'nginx:2'},"
                + "{'op':'add','path':'/metadata/labels/track','value':'stable'},"
                + "{'op':'add','path':'/spec/containers/-','value':{'name':'side','image':'busybox'}},"
                + "{'op':'remove','path':'/metadata/labels/tier'}]");
    assertThat(patched.at("/spec/containers/0/image").asText()).isEqualTo("nginx:2");
    assertThat(patched.at("/spec/containers/1/name").asText()).isEqualTo("side");
    assertThat(Json.labels(patched)).containsOnlyKeys("app", "track");
  }

  @Test
  void aFailedJsonPatchTestIsUnprocessable() {
    assertStatus(
        () ->
            patch(
                PatchType.JSON_PATCH,
                POD,
                "[{'op':'test','path':'/spec/containers/0/image','value':'nginx:9'}]"),
        422,
        "Invalid",
        "the server rejected our request due to an error in our request");
  }

  @Test
  void removingAMissingPathIsUnprocessable() {
    assertStatus(
        () -> patch(PatchType.JSON_PATCH, POD, "[{'op':'remove','path':'/spec/nodeName'}]"),
        422,
        "Invalid",
        "the server rejected our request due to an error in our request");
  }

  @Test
  void aJsonPatchThatIsNotAnArrayIsABadRequest() {
    assertStatus(
        () -> patch(PatchType.JSON_PATCH, POD, "{'op':'remove'}"),
        400,
        "BadRequest",
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  }

  @Test
  void anUndecodableBodyIsABadRequest() {
    for (PatchType type :
        new PatchType[] {
          PatchType.JSON_PATCH, PatchType.MERGE_PATCH, PatchType.STRATEGIC_MERGE_PATCH
        }) {
      assertThatThrownBy(
              () ->
                  Patches.apply(
                      type, obj(POD), "{nope".getBytes(StandardCharsets.UTF_8), ResourceTypes.PODS))
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.status().code()).isEqualTo(400));
    }
  }

  @Test
  void serverSideApplyIsNotSupportedYet() {
    assertThatThrownBy(() -> patch(PatchType.APPLY_PATCH, POD, "{}"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status().code()).isEqualTo(415));
  }

  @Test
  void strategicMergePatchMergesContainersWhereMergePatchReplacesThem() {
    String body = "{'spec':{'containers':[{'name':'side','image':'busybox'}]}}";
    assertThat(patch(PatchType.STRATEGIC_MERGE_PATCH, POD, body).at("/spec/containers")).hasSize(2);
    assertThat(patch(PatchType.MERGE_PATCH, POD, body).at("/spec/containers")).hasSize(1);
  }

  private static ObjectNode patch(PatchType type, String current, String body) {
    return Patches.apply(type, obj(current), bytes(body), ResourceTypes.PODS);
  }

  static void assertStatus(Runnable r, int code, String reason, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(code);
              assertThat(e.status().reason()).isEqualTo(reason);
              assertThat(e.status().message()).isEqualTo(message);
            });
  }

  static ObjectNode obj(String singleQuoted) {
    return Json.parseObject(bytes(singleQuoted));
  }

  static byte[] bytes(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }
}
