package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Whatever random pods arrive, placing each where SchedulingAlgorithm says (and assuming it there)
 * never commits a node beyond its allocatable resources or pod count.
 */
class GreedyAssignmentPropertyTest {

  private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm();

  @RepeatedTest(20)
  void greedyPlacementNeverOverCommitsANode(RepetitionInfo repetition) {
    Random random = new Random(1000L + repetition.getCurrentRepetition());
    List<NodeInfo> nodes = new ArrayList<>();
    int nodeCount = 1 + random.nextInt(12);
    for (int i = 0; i < nodeCount; i++) {
      nodes.add(randomNode(random, i));
    }
    ClusterSnapshot snapshot = new ClusterSnapshot(nodes, Map.of());
    int start = 0;
    int placed = 0;
    for (int i = 0; i < 150; i++) {
      PodInfo p = randomPod(random, i);
      ScheduleResult r = algorithm.schedule(p, snapshot, start, random);
      start = r.nextStartNodeIndex();
      if (r instanceof ScheduleResult.Scheduled s) {
        NodeInfo target = snapshot.node(s.nodeName()).orElseThrow();
        snapshot = snapshot.withNode(target.withPod(p));
        placed++;
      } else {
        assertThat(((ScheduleResult.Unschedulable) r).message())
            .startsWith("0/" + nodeCount + " nodes");
      }
    }
    assertThat(placed).isPositive();
    for (NodeInfo n : snapshot.nodes()) {
      Resources sum = Resources.NONE;
      for (PodInfo p : n.pods()) {
        sum = sum.plus(p.requests());
      }
      assertThat(sum.milliCpu())
          .as("cpu on %s", n.name())
          .isLessThanOrEqualTo(n.allocatable().milliCpu());
      assertThat(sum.memory())
          .as("memory on %s", n.name())
          .isLessThanOrEqualTo(n.allocatable().memory());
      assertThat(sum.get("example.com/gpu"))
          .as("gpus on %s", n.name())
          .isLessThanOrEqualTo(n.allocatable().get("example.com/gpu"));
      assertThat((long) n.pods().size()).isLessThanOrEqualTo(n.allocatable().allowedPodNumber());
      assertThat(n.requested()).isEqualTo(sum);
    }
  }

  private static NodeInfo randomNode(Random random, int i) {
    String taints =
        random.nextInt(5) == 0 ? "[{key: dedicated, value: x, effect: NoSchedule}]" : "[]";
    return node(
        """
        metadata: {name: n%d, labels: {kubernetes.io/hostname: n%d, zone: z%d}}
        spec: {unschedulable: %s, taints: %s}
        status:
          allocatable: {cpu: "%dm", memory: "%dMi", pods: "%d", example.com/gpu: "%d"}
        """
            .formatted(
                i,
                i,
                random.nextInt(3),
                random.nextInt(10) == 0,
                taints,
                500 + random.nextInt(8000),
                256 + random.nextInt(16384),
                1 + random.nextInt(30),
                random.nextInt(3)));
  }

  private static PodInfo randomPod(Random random, int i) {
    StringBuilder containers = new StringBuilder();
    int n = 1 + random.nextInt(3);
    for (int c = 0; c < n; c++) {
      containers.append(
          "{name: c%d, resources: {requests: {cpu: %dm, memory: %dMi%s}}},"
              .formatted(
                  c,
                  random.nextInt(1500),
                  random.nextInt(3000),
                  random.nextInt(6) == 0 ? ", example.com/gpu: '1'" : ""));
    }
    String init =
        random.nextBoolean()
            ? "initContainers: [{name: i, %s resources: {requests: {cpu: %dm, memory: %dMi}}}],"
                .formatted(
                    random.nextBoolean() ? "restartPolicy: Always," : "",
                    random.nextInt(3000),
                    random.nextInt(4000))
            : "";
    String toleration =
        random.nextInt(3) == 0 ? "tolerations: [{key: dedicated, operator: Exists}]," : "";
    return pod(
        "{metadata: {name: p%d, namespace: default, uid: p%d, labels: {app: a%d}},"
                .formatted(i, i, random.nextInt(4))
            + " spec: {%s %s containers: [%s]}}".formatted(init, toleration, containers));
  }
}
