package io.akkube.cluster.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationPlanTest {

  private static ObjectNode service(String spec) {
    return Json.parseObject(
        ("{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u1\"},\"spec\":{"
                + spec.replace('\'', '"')
                + "}}")
            .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aNewClusterIpServiceAsksForAnyAddressAndNoPorts() {
    AllocationPlan plan =
        AllocationPlan.of(null, service("'type':'ClusterIP','ports':[{'port':80}]"));

    assertThat(plan.ip()).isEmpty();
    assertThat(plan.ports()).isEmpty();
    assertThat(plan.releaseIps()).isEmpty();
  }

  @Test
  void anExplicitClusterIpIsAskedForAsGiven() {
    AllocationPlan plan =
        AllocationPlan.of(
            null, service("'type':'ClusterIP','clusterIP':'127.97.0.10','ports':[{'port':80}]"));

    assertThat(plan.ip()).isEqualTo("127.97.0.10");
  }

  @Test
  void headlessAndExternalNameServicesNeedNothing() {
    assertThat(
            AllocationPlan.of(null, service("'type':'ClusterIP','clusterIP':'None'"))
                .reservesNothing())
        .isTrue();
    assertThat(
            AllocationPlan.of(null, service("'type':'ExternalName','externalName':'example.org'"))
                .reservesNothing())
        .isTrue();
  }

  @Test
  void aNodePortServiceAsksForOnePortPerPortNumberAndHonoursExplicitOnes() {
    ObjectNode svc =
        service(
            "'type':'NodePort','ports':[{'name':'a','port':80,'protocol':'TCP'},"
                + "{'name':'b','port':53,'protocol':'TCP','nodePort':30053},"
                + "{'name':'c','port':53,'protocol':'UDP'},{'name':'d','port':80,'protocol':'UDP'}]");

    AllocationPlan plan = AllocationPlan.of(null, svc);
    assertThat(plan.ports()).containsExactly(0, 30053);
    assertThat(plan.portIndexes()).containsExactly(0, 1);

    plan.fill(svc, "127.97.0.9", List.of(31000, 30053));
    assertThat(svc.path("spec").path("clusterIPs").toString()).isEqualTo("[\"127.97.0.9\"]");
    assertThat(svc.path("spec").path("ports").findValuesAsText("nodePort"))
        .containsExactly("31000", "30053", "30053", "31000");
  }

  @Test
  void aLoadBalancerGetsNodePortsUnlessItOptsOut() {
    assertThat(
            AllocationPlan.of(null, service("'type':'LoadBalancer','ports':[{'port':80}]")).ports())
        .containsExactly(0);
    assertThat(
            AllocationPlan.of(
                    null,
                    service(
                        "'type':'LoadBalancer','allocateLoadBalancerNodePorts':false,'ports':[{'port':80}]"))
                .ports())
        .isEmpty();
  }

  @Test
  void changingClusterIpToNodePortAllocatesPortsAndKeepsTheAddress() {
    ObjectNode before =
        service("'type':'ClusterIP','clusterIP':'127.97.0.9','ports':[{'port':80}]");
    ObjectNode after = service("'type':'NodePort','clusterIP':'127.97.0.9','ports':[{'port':80}]");

    AllocationPlan plan = AllocationPlan.of(before, after);

    assertThat(plan.ip()).isNull();
    assertThat(plan.ports()).containsExactly(0);
    assertThat(plan.releaseIps()).isEmpty();
    assertThat(plan.releasePorts()).isEmpty();
  }

  @Test
  void changingNodePortToClusterIpReleasesThePorts() {
    ObjectNode before =
        service(
            "'type':'NodePort','clusterIP':'127.97.0.9','ports':[{'port':80,'nodePort':30080}]");
    ObjectNode after = service("'type':'ClusterIP','clusterIP':'127.97.0.9','ports':[{'port':80}]");

    AllocationPlan plan = AllocationPlan.of(before, after);

    assertThat(plan.reservesNothing()).isTrue();
    assertThat(plan.releasePorts()).containsExactly(30080);
    assertThat(plan.releaseIps()).isEmpty();
  }

  @Test
  void changingToExternalNameReleasesTheAddress() {
    ObjectNode before =
        service("'type':'ClusterIP','clusterIP':'127.97.0.9','ports':[{'port':80}]");
    ObjectNode after = service("'type':'ExternalName','externalName':'example.org'");

    assertThat(AllocationPlan.of(before, after).releaseIps()).containsExactly("127.97.0.9");
  }

  @Test
  void aChangedNodePortReservesTheNewOneAndReleasesTheOld() {
    ObjectNode before =
        service(
            "'type':'NodePort','clusterIP':'127.97.0.9','ports':[{'port':80,'nodePort':30080}]");
    ObjectNode after =
        service(
            "'type':'NodePort','clusterIP':'127.97.0.9','ports':[{'port':80,'nodePort':30081}]");

    AllocationPlan plan = AllocationPlan.of(before, after);

    assertThat(plan.ports()).containsExactly(30081);
    assertThat(plan.releasePorts()).containsExactly(30080);
  }

  @Test
  void aLocalLoadBalancerAlsoGetsAHealthCheckNodePortWhichGoesWithTheType() {
    ObjectNode local =
        service("'type':'LoadBalancer','externalTrafficPolicy':'Local','ports':[{'port':80}]");

    AllocationPlan plan = AllocationPlan.of(null, local);
    assertThat(plan.ports()).containsExactly(0, 0);
    assertThat(plan.portIndexes()).containsExactly(0, AllocationPlan.HEALTH_CHECK);
    plan.fill(local, "127.97.0.9", List.of(31000, 31001));
    assertThat(local.path("spec").path("healthCheckNodePort").asInt()).isEqualTo(31001);

    ObjectNode cluster =
        service(
            "'type':'LoadBalancer','externalTrafficPolicy':'Cluster','clusterIP':'127.97.0.9',"
                + "'ports':[{'port':80,'nodePort':31000}]");
    AllocationPlan change = AllocationPlan.of(local, cluster);
    assertThat(change.reservesNothing()).isTrue();
    assertThat(change.releasePorts()).containsExactly(31001);
  }
}
