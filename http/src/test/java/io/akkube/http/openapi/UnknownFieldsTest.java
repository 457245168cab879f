package io.akkube.http.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {

  private static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes());
  }

  private static final ObjectNode POD =
      json(
          "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','labels':{'any-key':'x'},"
              + "'annotations':{'a/b':'c'}},"
              + "'spec':{'containers':[{'name':'c','image':'nginx','imagee':'typo',"
              + "'resources':{'limits':{'cpu':'100m','memory':1024}},"
              + "'livenessProbe':{'httpGet':{'port':8080,'pathh':'/'},'initialDelaySeconds':3},"
              + "'ports':[{'containerPort':80,'name':'http'}]}],"
              + "'nodeSelector':{'disk':'ssd'},'bogus':true},"
              + "'status':{'phase':'Pending'},'extra':1}");

  @Test
  void findsUnknownFieldsWithKubernetesPaths() {
    assertThat(UnknownFields.find(ResourceTypes.PODS, POD))
        .containsExactly(
            "spec.containers[0].imagee",
            "spec.containers[0].livenessProbe.httpGet.pathh",
            "spec.bogus",
            "extra");
  }

  @Test
  void aValidObjectHasNoUnknownFields() {
    ObjectNode cm =
        json(
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},"
                + "'data':{'whatever.key':'v'},'binaryData':{'b':'eQ=='}}");
    assertThat(UnknownFields.find(ResourceTypes.CONFIG_MAPS, cm)).isEmpty();
  }

  @Test
  void pruningDropsUnknownFieldsFromACopy() {
    UnknownFields.Pruned pruned = UnknownFields.prune(ResourceTypes.PODS, POD);
    assertThat(pruned.removed()).hasSize(4);
    assertThat(pruned.object().path("spec").path("containers").get(0).has("imagee")).isFalse();
    assertThat(pruned.object().path("spec").path("containers").get(0).path("image").asText())
        .isEqualTo("nginx");
    assertThat(pruned.object().has("extra")).isFalse();
    assertThat(POD.has("extra")).isTrue();
    assertThat(UnknownFields.find(ResourceTypes.PODS, pruned.object())).isEmpty();
  }

  @Test
  void strictModeFailsWithTheKubeApiserverWording() {
    ApiStatus status =
        UnknownFields.strictError(ResourceTypes.PODS, List.of("spec.containers[0].imagee"));
    assertThat(status.code()).isEqualTo(400);
    assertThat(status.message())
        .isEqualTo(
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown"
                + " field \"spec.containers[0].imagee\"");
    assertThat(UnknownFields.warning("spec.x")).isEqualTo("unknown field \"spec.x\"");
  }
}
