package io.akkube.http.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class OpenApiTest {

  private static JsonNode parse(byte[] bytes) throws IOException {
    return Json.MAPPER.readTree(bytes);
  }

  @Test
  void swaggerDefinitionsAreNamedAsKubernetesNamesThemAndCarryDescriptions() throws IOException {
    JsonNode defs = parse(OpenApi.v2()).path("definitions");
    JsonNode pod = defs.path("io.k8s.api.core.v1.Pod");
    assertThat(pod.path("description").asText()).startsWith("Pod is a collection of containers");
    assertThat(pod.path("x-kubernetes-group-version-kind").get(0).path("kind").asText())
        .isEqualTo("Pod");
    assertThat(pod.path("properties").path("metadata").path("$ref").asText())
        .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    JsonNode container = defs.path("io.k8s.api.core.v1.Container").path("properties");
    assertThat(container.path("image").path("type").asText()).isEqualTo("string");
    assertThat(container.path("image").path("description").asText()).contains("Container image");
    assertThat(defs.path("io.k8s.api.core.v1.Container").path("required").get(0).asText())
        .isEqualTo("name");
    JsonNode probe = defs.path("io.k8s.api.core.v1.Probe").path("properties");
    assertThat(probe.path("initialDelaySeconds").path("format").asText()).isEqualTo("int32");
    assertThat(probe.path("terminationGracePeriodSeconds").path("format").asText())
        .isEqualTo("int64");
    JsonNode httpGet = defs.path("io.k8s.api.core.v1.HTTPGetAction").path("properties");
    assertThat(httpGet.path("port").path("$ref").asText()).endsWith("intstr.IntOrString");
    assertThat(
            defs.path("io.k8s.apimachinery.pkg.util.intstr.IntOrString")
                .path("x-kubernetes-int-or-string")
                .asBoolean())
        .isTrue();
    JsonNode meta = defs.path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").path("properties");
    assertThat(meta.path("labels").path("additionalProperties").path("type").asText())
        .isEqualTo("string");
    assertThat(meta.path("creationTimestamp").path("format").asText()).isEqualTo("date-time");
    JsonNode secret = defs.path("io.k8s.api.core.v1.Secret").path("properties");
    assertThat(secret.path("data").path("additionalProperties").path("format").asText())
        .isEqualTo("byte");
    JsonNode pods = defs.path("io.k8s.api.core.v1.PodSpec").path("properties");
    assertThat(pods.path("containers").path("type").asText()).isEqualTo("array");
    assertThat(pods.path("containers").path("x-kubernetes-patch-merge-key").asText())
        .isEqualTo("name");
    assertThat(defs.has("io.k8s.api.core.v1.Event")).isTrue();
    assertThat(defs.has("io.k8s.api.policy.v1.Eviction")).isTrue();
  }

  @Test
  void swaggerPathsCarryOperationsAndWriteParameters() throws IOException {
    JsonNode paths = parse(OpenApi.v2()).path("paths");
    JsonNode item = paths.path("/api/v1/namespaces/{namespace}/pods/{name}");
    assertThat(item.path("patch").path("operationId").asText())
        .isEqualTo("patchCoreV1NamespacedPod");
    assertThat(names(item.path("patch").path("parameters")))
        .contains("fieldValidation", "dryRun", "fieldManager", "force");
    assertThat(names(item.path("put").path("parameters"))).contains("fieldValidation");
    assertThat(paths.has("/api/v1/nodes/{name}/status")).isTrue();
    assertThat(paths.has("/api/v1/pods")).isTrue();
    assertThat(paths.has("/api/v1/namespaces/{namespace}/pods/{name}/eviction")).isTrue();
  }

  @Test
  void theV3IndexPointsAtEachGroupVersionWithAHash() throws IOException {
    JsonNode root = parse(OpenApi.v3Root());
    String url = root.path("paths").path("api/v1").path("serverRelativeURL").asText();
    assertThat(url).startsWith("/openapi/v3/api/v1?hash=");
    assertThat(url).endsWith(OpenApi.v3Hash("", "v1").orElseThrow());
    assertThat(OpenApi.v3GroupVersion("nope", "v1")).isEmpty();
  }

  /** What kubectl's queryParamVerifierV3 looks for before asking for server-side validation. */
  @Test
  void v3PatchOperationsOfEachKindOfferFieldValidation() throws IOException {
    JsonNode doc = parse(OpenApi.v3GroupVersion("", "v1").orElseThrow());
    assertThat(doc.path("openapi").asText()).isEqualTo("3.0.0");
    for (String kind : new String[] {"Pod", "Node", "Namespace", "Event", "ConfigMap", "Secret"}) {
      boolean found = false;
      for (JsonNode path : doc.path("paths")) {
        JsonNode patch = path.path("patch");
        if (patch.path("x-kubernetes-group-version-kind").path("kind").asText().equals(kind)
            && names(patch.path("parameters")).contains("fieldValidation")) {
          found = true;
        }
      }
      assertThat(found).as(kind).isTrue();
    }
    JsonNode pod = doc.path("components").path("schemas").path("io.k8s.api.core.v1.Pod");
    assertThat(pod.path("x-kubernetes-group-version-kind").isArray()).isTrue();
    JsonNode spec = pod.path("properties").path("spec");
    assertThat(spec.path("allOf").get(0).path("$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.core.v1.PodSpec");
    assertThat(spec.path("description").asText()).isNotEmpty();
  }

  private static java.util.List<String> names(JsonNode params) {
    java.util.List<String> out = new java.util.ArrayList<>();
    params.forEach(p -> out.add(p.path("name").asText()));
    return out;
  }
}
