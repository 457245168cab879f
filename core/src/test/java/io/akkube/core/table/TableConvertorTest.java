package io.akkube.core.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableConvertorTest {

  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes());
  }

  private static List<String> cells(ObjectNode pod) {
    JsonNode table = TableConvertor.table(ResourceTypes.PODS, List.of(pod), NOW, "7", null, true);
    List<String> out = new ArrayList<>();
    table.path("rows").get(0).path("cells").forEach(c -> out.add(c.asText()));
    return out;
  }

  @Test
  void aPendingPodIsPendingAndNotReady() {
    ObjectNode pod =
        json(
            "{'metadata':{'name':'web','creationTimestamp':'2024-05-01T11:59:55Z'},"
                + "'spec':{'containers':[{'name':'c','image':'nginx'}]},"
                + "'status':{'phase':'Pending'}}");
    assertThat(cells(pod))
        .containsExactly(
            "web", "0/1", "Pending", "0", "5s", "<none>", "<none>", "<none>", "<none>");
  }

  @Test
  void aRunningReadyPodShowsOneOfOneAndItsIpAndNode() {
    ObjectNode pod =
        json(
            "{'metadata':{'name':'web','creationTimestamp':'2024-05-01T11:56:40Z'},"
                + "'spec':{'nodeName':'node-1','containers':[{'name':'c','image':'nginx'}]},"
                + "'status':{'phase':'Running','podIP':'10.0.0.5','podIPs':[{'ip':'10.0.0.5'}],"
                + "'conditions':[{'type':'Ready','status':'True'}],"
                + "'containerStatuses':[{'name':'c','ready':true,'restartCount':0,"
                + "'state':{'running':{'startedAt':'2024-05-01T11:57:00Z'}}}]}}");
    assertThat(cells(pod))
        .containsExactly(
            "web", "1/1", "Running", "0", "3m20s", "10.0.0.5", "node-1", "<none>", "<none>");
  }

  @Test
  void aCrashLoopingPodShowsTheWaitingReasonAndWhenItLastRestarted() {
    ObjectNode pod =
        json(
            "{'metadata':{'name':'crash','creationTimestamp':'2024-04-29T09:00:00Z'},"
                + "'spec':{'containers':[{'name':'c','image':'busybox'}]},"
                + "'status':{'phase':'Running',"
                + "'containerStatuses':[{'name':'c','ready':false,'restartCount':3,"
                + "'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
                + "'lastState':{'terminated':{'exitCode':1,'reason':'Error',"
                + "'finishedAt':'2024-05-01T11:59:15Z'}}}]}}");
    List<String> cells = cells(pod);
    assertThat(cells.subList(0, 5))
        .containsExactly("crash", "0/1", "CrashLoopBackOff", "3 (45s ago)", "2d3h");
  }

  @Test
  void aPodBeingDeletedIsTerminating() {
    ObjectNode pod =
        json(
            "{'metadata':{'name':'bye','creationTimestamp':'2024-05-01T11:00:00Z',"
                + "'deletionTimestamp':'2024-05-01T11:59:50Z'},"
                + "'spec':{'containers':[{'name':'c','image':'nginx'}]},"
                + "'status':{'phase':'Running','containerStatuses':[{'name':'c','ready':true,"
                + "'restartCount':0,'state':{'running':{}}}]}}");
    assertThat(cells(pod).subList(0, 3)).containsExactly("bye", "1/1", "Terminating");
  }

  @Test
  void initContainersInProgressShowInitProgress() {
    ObjectNode pod =
        json(
            "{'metadata':{'name':'init'},"
                + "'spec':{'initContainers':[{'name':'a'},{'name':'b'}],'containers':[{'name':'c'}]},"
                + "'status':{'phase':'Pending','initContainerStatuses':["
                + "{'name':'a','state':{'terminated':{'exitCode':0}}},"
                + "{'name':'b','state':{'running':{}}}]}}");
    assertThat(cells(pod).subList(0, 5))
        .containsExactly("init", "0/1", "Init:1/2", "0", "<unknown>");
  }

  @Test
  void aSucceededPodIsCompletedAndCarriesTheCompletedCondition() {
    ObjectNode pod =
        json(
            "{'metadata':{'name':'job'},'spec':{'containers':[{'name':'c'}]},"
                + "'status':{'phase':'Succeeded','containerStatuses':[{'name':'c','ready':false,"
                + "'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}}]}}");
    JsonNode row =
        TableConvertor.table(ResourceTypes.PODS, List.of(pod), NOW, "", "", true)
            .path("rows")
            .get(0);
    assertThat(row.path("cells").get(2).asText()).isEqualTo("Completed");
    assertThat(row.path("conditions").get(0).path("type").asText()).isEqualTo("Completed");
  }

  @Test
  void theTableCarriesColumnsListMetadataAndPartialObjectMetadata() {
    ObjectNode pod =
        json("{'metadata':{'name':'web','namespace':'default','uid':'u1'},'spec':{},'status':{}}");
    JsonNode table =
        TableConvertor.table(ResourceTypes.PODS, List.of(pod), NOW, "12", "next", true);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("12");
    assertThat(table.path("metadata").path("continue").asText()).isEqualTo("next");
    List<String> names = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> names.add(c.path("name").asText()));
    assertThat(names)
        .containsExactly(
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "IP",
            "Node",
            "Nominated Node",
            "Readiness Gates");
    assertThat(table.path("columnDefinitions").get(5).path("priority").asInt()).isEqualTo(1);
    JsonNode object = table.path("rows").get(0).path("object");
    assertThat(object.path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(object.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(object.path("metadata").path("uid").asText()).isEqualTo("u1");
    assertThat(object.has("spec")).isFalse();
  }

  @Test
  void watchEventsAfterTheFirstCarryNoColumnDefinitions() {
    JsonNode table = TableConvertor.table(ResourceTypes.PODS, List.of(), NOW, null, null, false);
    assertThat(table.path("columnDefinitions")).isEmpty();
    assertThat(table.path("rows")).isEmpty();
  }

  @Test
  void nodesShowReadinessCordoningAndRoles() {
    ObjectNode node =
        json(
            "{'metadata':{'name':'n1','labels':{'node-role.kubernetes.io/control-plane':''}},"
                + "'spec':{'unschedulable':true},"
                + "'status':{'conditions':[{'type':'Ready','status':'True'}],"
                + "'addresses':[{'type':'InternalIP','address':'192.168.1.2'}],"
                + "'nodeInfo':{'kubeletVersion':'v1.32.0-akkube'}}}");
    JsonNode cells =
        TableConvertor.table(ResourceTypes.NODES, List.of(node), NOW, "", "", true)
            .path("rows")
            .get(0)
            .path("cells");
    assertThat(cells.get(1).asText()).isEqualTo("Ready,SchedulingDisabled");
    assertThat(cells.get(2).asText()).isEqualTo("control-plane");
    assertThat(cells.get(4).asText()).isEqualTo("v1.32.0-akkube");
    assertThat(cells.get(5).asText()).isEqualTo("192.168.1.2");
    assertThat(cells.get(6).asText()).isEqualTo("<none>");
    assertThat(cells.get(7).asText()).isEqualTo("<unknown>");
  }

  @Test
  void eventsNameTheirObjectInLowerCase() {
    ObjectNode event =
        json(
            "{'metadata':{'name':'web.1'},'type':'Normal','reason':'Scheduled',"
                + "'message':'Successfully assigned default/web to n1 ',"
                + "'involvedObject':{'kind':'Pod','name':'web'},"
                + "'source':{'component':'default-scheduler'},"
                + "'lastTimestamp':'2024-05-01T11:59:00Z'}");
    JsonNode cells =
        TableConvertor.table(ResourceTypes.EVENTS, List.of(event), NOW, "", "", true)
            .path("rows")
            .get(0)
            .path("cells");
    assertThat(cells.get(0).asText()).isEqualTo("60s");
    assertThat(cells.get(3).asText()).isEqualTo("pod/web");
    assertThat(cells.get(5).asText()).isEqualTo("default-scheduler");
    assertThat(cells.get(6).asText()).isEqualTo("Successfully assigned default/web to n1");
    assertThat(cells.get(7).asText()).isEqualTo("<unknown>");
    assertThat(cells.get(8).asLong()).isEqualTo(1);
  }

  @Test
  void secretsAndConfigMapsCountTheirKeys() {
    ObjectNode secret =
        json("{'metadata':{'name':'s'},'type':'Opaque','data':{'a':'eA==','b':'eQ=='}}");
    JsonNode cells =
        TableConvertor.table(ResourceTypes.SECRETS, List.of(secret), NOW, "", "", true)
            .path("rows")
            .get(0)
            .path("cells");
    assertThat(cells.get(1).asText()).isEqualTo("Opaque");
    assertThat(cells.get(2).asInt()).isEqualTo(2);
    ObjectNode cm = json("{'metadata':{'name':'c'},'data':{'a':'x'},'binaryData':{'b':'eQ=='}}");
    assertThat(
            TableConvertor.table(ResourceTypes.CONFIG_MAPS, List.of(cm), NOW, "", "", true)
                .path("rows")
                .get(0)
                .path("cells")
                .get(1)
                .asInt())
        .isEqualTo(2);
  }
}
