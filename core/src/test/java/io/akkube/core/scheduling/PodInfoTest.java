package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.HostPort;
import io.akkube.core.scheduling.model.PodInfo;
import io.akkube.core.scheduling.model.Resources;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodInfoTest {

  @Test
  void requestsSumContainersAndTakeTheLargestInitContainer() {
    // The example of computePodResourceRequest: init 2 cpu/1G and 2 cpu/3G, app 2 cpu/1G + 1/1G.
    PodInfo p =
        pod(
            """
            metadata: {name: p, namespace: default}
            spec:
              initContainers:
              - {name: i1, resources: {requests: {cpu: "2", memory: 1G}}}
              - {name: i2, resources: {requests: {cpu: "2", memory: 3G}}}
              containers:
              - {name: c1, resources: {requests: {cpu: "2", memory: 1G}}}
              - {name: c2, resources: {requests: {cpu: "1", memory: 1G}}}
            """);
    assertThat(p.requests().milliCpu()).isEqualTo(3000);
    assertThat(p.requests().memory()).isEqualTo(3_000_000_000L);
  }

  @Test
  void sidecarInitContainersAddToTheSumAndToLaterInitContainers() {
    // KEP-753: init containers see the sidecars started before them; sidecars run with the app.
    PodInfo p =
        pod(
            """
            metadata: {name: p, namespace: default}
            spec:
              initContainers:
              - {name: sidecar, restartPolicy: Always, resources: {requests: {cpu: 500m}}}
              - {name: migrate, resources: {requests: {cpu: "2"}}}
              containers:
              - {name: app, resources: {requests: {cpu: "1"}}}
            """);
    // max(app 1 + sidecar 0.5, migrate 2 + sidecar 0.5) = 2.5
    assertThat(p.requests().milliCpu()).isEqualTo(2500);

    PodInfo small =
        pod(
            """
            metadata: {name: p, namespace: default}
            spec:
              initContainers:
              - {name: sidecar, restartPolicy: Always, resources: {requests: {cpu: 500m}}}
              - {name: init, resources: {requests: {cpu: 100m}}}
              containers:
              - {name: app, resources: {requests: {cpu: "1"}}}
            """);
    assertThat(small.requests().milliCpu()).isEqualTo(1500);
  }

  @Test
  void overheadIsAddedAfterTheInitContainerMaximum() {
    PodInfo p =
        pod(
            """
            metadata: {name: p, namespace: default}
            spec:
              overhead: {cpu: 250m, memory: 120Mi}
              initContainers:
              - {name: i, resources: {requests: {cpu: "2"}}}
              containers:
              - {name: c, resources: {requests: {cpu: "1", memory: 1Gi}}}
            """);
    assertThat(p.requests().milliCpu()).isEqualTo(2250);
    assertThat(p.requests().memory()).isEqualTo((1024L + 120) * 1024 * 1024);
  }

  @Test
  void extendedResourcesAreCountedInWholeUnitsAndUnknownNamesDropped() {
    PodInfo p =
        pod(
            """
            metadata: {name: p, namespace: default}
            spec:
              containers:
              - name: c
                resources:
                  requests: {example.com/gpu: "2", hugepages-2Mi: 4Mi, storage: 1Gi,
                             ephemeral-storage: 1Gi}
              - name: d
                resources: {requests: {example.com/gpu: "1"}}
            """);
    assertThat(p.requests().scalar())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("example.com/gpu", 3L, "hugepages-2Mi", 4L * 1024 * 1024));
    assertThat(p.requests().ephemeralStorage()).isEqualTo(1024L * 1024 * 1024);
  }

  @Test
  void quantitiesAreSummedBeforeRoundingToMillicores() {
    PodInfo p =
        pod(
            """
            metadata: {name: p, namespace: default}
            spec:
              containers:
              - {name: a, resources: {requests: {cpu: 100u}}}
              - {name: b, resources: {requests: {cpu: 100u}}}
            """);
    // 0.0002 cpu rounds up once to 1m, not twice to 2m.
    assertThat(p.requests().milliCpu()).isEqualTo(1);
  }

  @Test
  void nonZeroRequestsCountDefaultsOnlyForMissingRequests() {
    PodInfo p =
        pod(
            """
            metadata: {name: p, namespace: default}
            spec:
              containers:
              - {name: none}
              - {name: zero, resources: {requests: {cpu: "0", memory: 1Gi}}}
            """);
    assertThat(p.requests().milliCpu()).isZero();
    assertThat(p.nonZeroMilliCpu()).isEqualTo(100);
    assertThat(p.nonZeroMemory()).isEqualTo(200L * 1024 * 1024 + 1024L * 1024 * 1024);
  }

  @Test
  void readsIdentityPriorityAndDefaults() {
    PodInfo p =
        pod(
            """
            metadata: {name: web, namespace: shop, uid: u1, labels: {app: web},
                       deletionTimestamp: "2024-01-01T00:00:00Z"}
            spec: {priority: 1000, containers: [{name: c}]}
            status: {nominatedNodeName: n2}
            """);
    assertThat(p.key()).isEqualTo("shop/web");
    assertThat(p.priority()).isEqualTo(1000);
    assertThat(p.schedulerName()).isEqualTo("default-scheduler");
    assertThat(p.preemptionPolicy()).isEqualTo("PreemptLowerPriority");
    assertThat(p.nominatedNodeName()).isEqualTo("n2");
    assertThat(p.terminating()).isTrue();
    assertThat(p.requests()).isEqualTo(Resources.NONE);
  }

  @Test
  void hostPortsComeFromDeclaredHostPortsOrFromEveryContainerPortForProcessPods() {
    var tree =
        yaml(
            """
            metadata: {name: p, namespace: default}
            spec:
              containers:
              - name: c
                ports:
                - {containerPort: 80, hostPort: 8080}
                - {containerPort: 53, protocol: UDP}
            """);
    assertThat(PodInfo.of(tree).hostPorts()).containsExactly(new HostPort("", "TCP", 8080));
    assertThat(PodInfo.of(tree, true).hostPorts())
        .containsExactly(new HostPort("0.0.0.0", "TCP", 8080), new HostPort("", "UDP", 53));
  }
}
