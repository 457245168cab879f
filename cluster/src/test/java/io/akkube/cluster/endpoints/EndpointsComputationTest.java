package io.akkube.cluster.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointsComputationTest {

  private static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static final ObjectNode WEB =
      json(
          "{'metadata':{'name':'web','namespace':'default','uid':'svc-uid','labels':{'app':'web'}},"
              + "'spec':{'selector':{'app':'web'},'clusterIP':'127.97.0.9','ports':["
              + "{'name':'http','port':80,'protocol':'TCP','targetPort':'http'},"
              + "{'name':'admin','port':9000,'protocol':'TCP','targetPort':9001}]}}");

  private static ObjectNode pod(String name, String ip, boolean ready, String extraMeta) {
    return json(
        "{'metadata':{'name':'"
            + name
            + "','namespace':'default','uid':'uid-"
            + name
            + "','labels':{'app':'web'}"
            + extraMeta
            + "},'spec':{'nodeName':'node-1','containers':[{'name':'c','ports':["
            + "{'name':'http','containerPort':8080}]}]},'status':{'phase':'Running','podIP':'"
            + ip
            + "','conditions':[{'type':'Ready','status':'"
            + (ready ? "True" : "False")
            + "'}]}}");
  }

  @Test
  void readyPodsAreAddressesAndNotReadyOnesNotReadyAddressesWithResolvedPorts() {
    ObjectNode ep =
        EndpointsComputation.endpointsObject(
            WEB,
            List.of(
                pod("b", "127.0.0.12", true, ""),
                pod("a", "127.0.0.11", false, ""),
                pod("c", "127.0.0.10", true, "")));

    assertThat(ep.path("metadata").path("labels")).isEqualTo(json("{'app':'web'}"));
    JsonNode subset = ep.path("subsets").get(0);
    assertThat(ep.path("subsets").size()).isEqualTo(1);
    assertThat(subset.path("addresses").findValuesAsText("ip"))
        .containsExactly("127.0.0.10", "127.0.0.12");
    assertThat(subset.path("notReadyAddresses").findValuesAsText("ip"))
        .containsExactly("127.0.0.11");
    assertThat(subset.path("addresses").get(0))
        .isEqualTo(
            json(
                "{'ip':'127.0.0.10','nodeName':'node-1','targetRef':{'kind':'Pod',"
                    + "'namespace':'default','name':'c','uid':'uid-c'}}"));
    assertThat(subset.path("ports"))
        .isEqualTo(
            json("{'p':[{'name':'admin','port':9001,'protocol':'TCP'},"
                    + "{'name':'http','port':8080,'protocol':'TCP'}]}")
                .get("p"));
  }

  @Test
  void terminatingPodsLeaveEndpointsAtOnceButStayInTheSliceAsTerminating() {
    List<ObjectNode> pods =
        List.of(
            pod("a", "127.0.0.11", true, ",'deletionTimestamp':'2026-01-01T00:00:00Z'"),
            pod("b", "127.0.0.12", true, ""));

    ObjectNode ep = EndpointsComputation.endpointsObject(WEB, pods);
    ObjectNode slice = EndpointsComputation.endpointSlice(WEB, pods, "web-abcde");

    assertThat(ep.path("subsets").get(0).path("addresses").findValuesAsText("ip"))
        .containsExactly("127.0.0.12");
    assertThat(ep.path("subsets").get(0).has("notReadyAddresses")).isFalse();
    assertThat(slice.path("endpoints").get(0).path("conditions"))
        .isEqualTo(json("{'ready':false,'serving':true,'terminating':true}"));
    assertThat(slice.path("endpoints").get(1).path("conditions"))
        .isEqualTo(json("{'ready':true,'serving':true,'terminating':false}"));
  }

  @Test
  void theSliceIsLabelledAndOwnedByItsService() {
    ObjectNode slice =
        EndpointsComputation.endpointSlice(
            WEB, List.of(pod("a", "127.0.0.11", false, "")), "web-abcde");

    assertThat(slice.path("metadata").path("labels"))
        .isEqualTo(
            json(
                "{'app':'web','kubernetes.io/service-name':'web',"
                    + "'endpointslice.kubernetes.io/managed-by':'endpointslice-controller.k8s.io'}"));
    assertThat(slice.path("metadata").path("ownerReferences").get(0).path("uid").asText())
        .isEqualTo("svc-uid");
    assertThat(slice.path("addressType").asText()).isEqualTo("IPv4");
    assertThat(slice.path("endpoints").get(0).path("conditions"))
        .isEqualTo(json("{'ready':false,'serving':false,'terminating':false}"));
    assertThat(slice.path("ports").findValuesAsText("port")).containsExactly("8080", "9001");
  }

  @Test
  void podsWithoutAnIpOrTheLabelOrInAnotherNamespaceAreNoEndpoints() {
    ObjectNode noIp = pod("a", "", true, "");
    ObjectNode otherLabels = pod("b", "127.0.0.12", true, "");
    otherLabels.with("metadata").with("labels").put("app", "db");
    ObjectNode otherNamespace = pod("c", "127.0.0.13", true, "");
    otherNamespace.with("metadata").put("namespace", "other");

    ObjectNode ep =
        EndpointsComputation.endpointsObject(WEB, List.of(noIp, otherLabels, otherNamespace));

    assertThat(ep.has("subsets")).isFalse();
  }

  @Test
  void aPodWithoutTheNamedPortGetsOnlyTheNumberedOne() {
    ObjectNode pod = pod("a", "127.0.0.11", true, "");
    ((ObjectNode) pod.path("spec").path("containers").get(0)).remove("ports");

    ObjectNode ep = EndpointsComputation.endpointsObject(WEB, List.of(pod));

    assertThat(ep.path("subsets").get(0).path("ports").findValuesAsText("port"))
        .containsExactly("9001");
  }

  @Test
  void finishedPodsOfNeverRestartingPodsAreNoEndpoints() {
    ObjectNode done = pod("a", "127.0.0.11", false, "");
    done.with("spec").put("restartPolicy", "Never");
    done.with("status").put("phase", "Succeeded");

    assertThat(EndpointsComputation.endpointsObject(WEB, List.of(done)).has("subsets")).isFalse();
  }

  @Test
  void onlyServicesWithASelectorAreManaged() {
    assertThat(EndpointsComputation.managed(WEB)).isTrue();
    assertThat(EndpointsComputation.managed(json("{'spec':{'ports':[{'port':80}]}}"))).isFalse();
  }
}
