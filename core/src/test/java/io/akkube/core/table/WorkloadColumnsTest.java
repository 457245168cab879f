package io.akkube.core.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The columns of the workload, service and policy kinds, as kubectl shows them. */
class WorkloadColumnsTest {

  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final String META =
      "'metadata':{'name':'web','creationTimestamp':'2024-05-01T11:59:00Z'}";

  private static List<String> header(ResourceType type) {
    List<String> out = new ArrayList<>();
    TableConvertor.columnsOf(type).columns().forEach(c -> out.add(c.name()));
    return out;
  }

  private static List<String> row(ResourceType type, String json) {
    ObjectNode obj =
        Json.parseObject(("{" + META + "," + json + "}").replace('\'', '"').getBytes());
    JsonNode table = TableConvertor.table(type, List.of(obj), NOW, "1", null, true);
    List<String> out = new ArrayList<>();
    table.path("rows").get(0).path("cells").forEach(c -> out.add(c.asText()));
    return out;
  }

  private static final String TEMPLATE =
      "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.17'},"
          + "{'name':'log','image':'busybox'}]}}";

  @Test
  void deploymentsShowReadyOverDesired() {
    assertThat(header(ResourceTypes.DEPLOYMENTS))
        .containsExactly(
            "Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector");
    assertThat(
            row(
                ResourceTypes.DEPLOYMENTS,
                "'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},"
                    + TEMPLATE
                    + "},"
                    + "'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2}"))
        .containsExactly(
            "web", "2/3", "3", "2", "60s", "nginx,log", "nginx:1.17,busybox", "app=web");
  }

  @Test
  void replicaSetsAndControllersShowDesiredCurrentReady() {
    assertThat(header(ResourceTypes.REPLICA_SETS))
        .containsExactly(
            "Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector");
    assertThat(
            row(
                ResourceTypes.REPLICA_SETS,
                "'spec':{'replicas':3,'selector':{'matchExpressions':"
                    + "[{'key':'tier','operator':'In','values':['b','a']}]},"
                    + TEMPLATE
                    + "},'status':{'replicas':3,'readyReplicas':1}"))
        .containsExactly(
            "web", "3", "3", "1", "60s", "nginx,log", "nginx:1.17,busybox", "tier in (a,b)");
    assertThat(
            row(
                ResourceTypes.REPLICATION_CONTROLLERS,
                "'spec':{'replicas':1,'selector':{'b':'2','a':'1'}," + TEMPLATE + "}"))
        .containsExactly("web", "1", "0", "0", "60s", "nginx,log", "nginx:1.17,busybox", "a=1,b=2");
  }

  @Test
  void servicesShowPortsAndExternalIps() {
    assertThat(header(ResourceTypes.SERVICES))
        .containsExactly("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector");
    assertThat(
            row(
                ResourceTypes.SERVICES,
                "'spec':{'type':'NodePort','clusterIP':'10.96.0.5','clusterIPs':['10.96.0.5'],"
                    + "'selector':{'app':'web'},'ports':[{'port':80,'nodePort':31021,"
                    + "'protocol':'TCP'},{'port':443,'protocol':'TCP'}]}"))
        .containsExactly(
            "web", "NodePort", "10.96.0.5", "<none>", "80:31021/TCP,443/TCP", "60s", "app=web");
    assertThat(row(ResourceTypes.SERVICES, "'spec':{'type':'LoadBalancer','ports':[]}"))
        .containsExactly("web", "LoadBalancer", "<none>", "<pending>", "<none>", "60s", "<none>");
    assertThat(
            row(
                ResourceTypes.SERVICES,
                "'spec':{'type':'ExternalName','externalName':'db.example.com'}"))
        .element(3)
        .isEqualTo("db.example.com");
  }

  @Test
  void endpointsShowTheFirstThreeAndHowManyMore() {
    assertThat(
            row(
                ResourceTypes.ENDPOINTS,
                "'subsets':[{'addresses':[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'},{'ip':'10.0.0.3'},"
                    + "{'ip':'10.0.0.4'}],'ports':[{'port':80}]}]"))
        .containsExactly("web", "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...", "60s");
    assertThat(row(ResourceTypes.ENDPOINTS, "'subsets':[]")).element(1).isEqualTo("<none>");
    assertThat(
            row(
                ResourceTypes.ENDPOINT_SLICES,
                "'addressType':'IPv4','ports':[{'name':'http','port':80}],"
                    + "'endpoints':[{'addresses':['10.0.0.1']},{'addresses':['10.0.0.2']}]"))
        .containsExactly("web", "IPv4", "80", "10.0.0.1,10.0.0.2", "60s");
    assertThat(row(ResourceTypes.ENDPOINT_SLICES, "'addressType':'IPv4'"))
        .containsExactly("web", "IPv4", "<unset>", "<unset>", "60s");
  }

  @Test
  void budgetsAndPriorityClasses() {
    assertThat(header(ResourceTypes.POD_DISRUPTION_BUDGETS))
        .containsExactly("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age");
    assertThat(
            row(
                ResourceTypes.POD_DISRUPTION_BUDGETS,
                "'spec':{'minAvailable':'50%'},'status':{'disruptionsAllowed':1}"))
        .containsExactly("web", "50%", "N/A", "1", "60s");
    assertThat(header(ResourceTypes.PRIORITY_CLASSES))
        .containsExactly("Name", "Value", "Global-Default", "Age", "PreemptionPolicy");
    assertThat(
            row(
                ResourceTypes.PRIORITY_CLASSES,
                "'value':1000,'globalDefault':true,'preemptionPolicy':'Never'"))
        .containsExactly("web", "1000", "true", "60s", "Never");
  }
}
