package io.akkube.http.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

  @Test
  void legacyApiListsV1AndWhereToReachTheServer() {
    JsonNode api = Discovery.apiVersions("10.0.0.1:6443");
    assertThat(api.path("kind").asText()).isEqualTo("APIVersions");
    assertThat(api.path("versions").get(0).asText()).isEqualTo("v1");
    assertThat(api.path("serverAddressByClientCIDRs").get(0).path("serverAddress").asText())
        .isEqualTo("10.0.0.1:6443");
  }

  @Test
  void coreResourcesAndSubresourcesAreListedAsKubernetesListsThem() {
    JsonNode list = Discovery.apiResourceList("", "v1").orElseThrow();
    assertThat(list.path("groupVersion").asText()).isEqualTo("v1");
    Map<String, JsonNode> byName = new HashMap<>();
    list.path("resources").forEach(r -> byName.put(r.path("name").asText(), r));
    JsonNode pods = byName.get("pods");
    assertThat(pods.path("singularName").asText()).isEqualTo("pod");
    assertThat(pods.path("namespaced").asBoolean()).isTrue();
    assertThat(pods.path("shortNames").get(0).asText()).isEqualTo("po");
    assertThat(pods.path("categories").get(0).asText()).isEqualTo("all");
    assertThat(pods.path("verbs")).hasSize(8);
    assertThat(byName.get("pods/status").path("verbs").toString())
        .isEqualTo("[\"get\",\"patch\",\"update\"]");
    JsonNode eviction = byName.get("pods/eviction");
    assertThat(eviction.path("group").asText()).isEqualTo("policy");
    assertThat(eviction.path("kind").asText()).isEqualTo("Eviction");
    assertThat(byName.get("pods/binding").path("kind").asText()).isEqualTo("Binding");
    assertThat(byName.get("pods/binding").has("group")).isFalse();
    assertThat(byName.get("pods/exec").path("kind").asText()).isEqualTo("PodExecOptions");
    assertThat(byName.get("pods/log").path("kind").asText()).isEqualTo("Pod");
    assertThat(byName.get("nodes").path("namespaced").asBoolean()).isFalse();
    assertThat(Discovery.apiResourceList("apps", "v9")).isEmpty();
  }

  @Test
  void aggregatedDiscoveryDescribesScopesKindsAndSubresources() {
    JsonNode list = Discovery.aggregatedLegacy();
    assertThat(list.path("kind").asText()).isEqualTo("APIGroupDiscoveryList");
    assertThat(list.path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
    JsonNode v1 = list.path("items").get(0).path("versions").get(0);
    assertThat(v1.path("version").asText()).isEqualTo("v1");
    assertThat(v1.path("freshness").asText()).isEqualTo("Current");
    JsonNode pods = null;
    for (JsonNode r : v1.path("resources")) {
      if (r.path("resource").asText().equals("pods")) {
        pods = r;
      }
    }
    assertThat(pods).isNotNull();
    assertThat(pods.path("scope").asText()).isEqualTo("Namespaced");
    assertThat(pods.path("responseKind").path("kind").asText()).isEqualTo("Pod");
    assertThat(pods.path("singularResource").asText()).isEqualTo("pod");
    assertThat(pods.path("subresources").findValuesAsText("subresource"))
        .contains("status", "log", "exec", "binding", "eviction");
  }

  @Test
  void metricsApiIsDiscoveredReadOnlyAsMetricsServerRegistersIt() {
    assertThat(Discovery.apiGroupList().path("groups").findValuesAsText("name"))
        .contains("metrics.k8s.io");
    assertThat(Discovery.apiGroup("metrics.k8s.io").orElseThrow().path("preferredVersion"))
        .hasToString("{\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}");
    JsonNode list = Discovery.apiResourceList("metrics.k8s.io", "v1beta1").orElseThrow();
    Map<String, JsonNode> byName = new HashMap<>();
    list.path("resources").forEach(r -> byName.put(r.path("name").asText(), r));
    assertThat(byName.keySet()).containsExactlyInAnyOrder("nodes", "pods");
    assertThat(byName.get("pods").path("kind").asText()).isEqualTo("PodMetrics");
    assertThat(byName.get("pods").path("namespaced").asBoolean()).isTrue();
    assertThat(byName.get("nodes").path("kind").asText()).isEqualTo("NodeMetrics");
    assertThat(byName.get("nodes").path("verbs").toString()).isEqualTo("[\"get\",\"list\"]");
    JsonNode aggregated = null;
    for (JsonNode item : Discovery.aggregatedGroups().path("items")) {
      if (item.path("metadata").path("name").asText().equals("metrics.k8s.io")) {
        aggregated = item;
      }
    }
    assertThat(aggregated).isNotNull();
    assertThat(aggregated.path("versions").get(0).path("resources").findValuesAsText("resource"))
        .containsExactly("nodes", "pods");
  }

  @Test
  void kubectlsAcceptHeaderAsksForAggregatedDiscovery() {
    assertThat(
            Discovery.wantsAggregated(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                    + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                    + "application/json"))
        .isTrue();
    assertThat(Discovery.wantsAggregated("application/json")).isFalse();
    assertThat(Discovery.wantsAggregated(null)).isFalse();
  }

  @Test
  void withOnlyTheCoreGroupThereAreNoNamedGroups() {
    assertThat(Discovery.apiGroupList().path("groups").isArray()).isTrue();
    assertThat(Discovery.aggregatedGroups().path("items").isArray()).isTrue();
  }
}
