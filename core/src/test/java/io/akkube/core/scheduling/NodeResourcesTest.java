package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.filter;
import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.requesting;
import static io.akkube.core.scheduling.Fixtures.scores;
import static io.akkube.core.scheduling.Fixtures.sized;
import static io.akkube.core.scheduling.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import org.junit.jupiter.api.Test;

/** NodeResourcesFit (filter and LeastAllocated) and NodeResourcesBalancedAllocation. */
class NodeResourcesTest {

  private final NodeResourcesFit fit = new NodeResourcesFit();
  private final NodeResourcesBalancedAllocation balanced = new NodeResourcesBalancedAllocation();

  @Test
  void insufficientResourcesAreAllReportedInKubesOrder() {
    NodeInfo n = sized("n", "1", "1Gi", 1).withPod(requesting("a", "500m", "512Mi"));
    Status s = filter(fit, requesting("b", "600m", "600Mi"), n);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(s.reasons())
        .containsExactly("Too many pods", "Insufficient cpu", "Insufficient memory");
  }

  @Test
  void exactlyFullFitsAndOneMoreUnitDoesNot() {
    NodeInfo n = sized("n", "1", "1Gi", 110).withPod(requesting("a", "500m", "512Mi"));
    assertThat(filter(fit, requesting("b", "500m", "512Mi"), n).isSuccess()).isTrue();
    assertThat(filter(fit, requesting("b", "501m", "512Mi"), n).reasons())
        .containsExactly("Insufficient cpu");
  }

  @Test
  void aPodRequestingNothingOnlyNeedsAPodSlot() {
    NodeInfo full = sized("n", "1", "1Gi", 1).withPod(requesting("a", "1", "1Gi"));
    PodInfo bestEffort = pod("{metadata: {name: b, uid: b}, spec: {containers: [{name: c}]}}");
    assertThat(filter(fit, bestEffort, full).reasons()).containsExactly("Too many pods");
    assertThat(
            filter(fit, bestEffort, sized("m", "1", "1Gi", 2).withPod(requesting("a", "1", "1Gi")))
                .isSuccess())
        .isTrue();
  }

  @Test
  void extendedResourcesMustBeAllocatable() {
    NodeInfo gpuNode =
        node(
            """
            metadata: {name: g}
            status: {allocatable: {cpu: "4", memory: 8Gi, pods: "10", example.com/gpu: "2"}}
            """);
    PodInfo wantsTwo =
        pod(
            """
            metadata: {name: p, uid: p}
            spec: {containers: [{name: c, resources: {requests: {example.com/gpu: "2"}}}]}
            """);
    assertThat(filter(fit, wantsTwo, gpuNode).isSuccess()).isTrue();
    assertThat(filter(fit, wantsTwo, gpuNode.withPod(wantsTwo)).reasons())
        .containsExactly("Insufficient example.com/gpu");
    assertThat(filter(fit, wantsTwo, sized("plain", "4", "8Gi", 10)).reasons())
        .containsExactly("Insufficient example.com/gpu");
  }

  @Test
  void leastAllocatedIsTheMeanOfFreeFractionsInIntegerMath() {
    // least_allocated_test "nothing scheduled, resources requested, differently sized nodes".
    PodInfo p = requesting("p", "3000m", "5000");
    NodeInfo n1 = sized("n1", "4000m", "10000", 10);
    NodeInfo n2 = sized("n2", "6000m", "10000", 10);
    assertThat(scores(fit, p, snapshot(n1, n2))).containsExactly(37, 50);
  }

  @Test
  void leastAllocatedTruncatesEachResourceAndTheMean() {
    // cpu (3000-1000)*100/3000 = 66, memory (3000-2000)*100/3000 = 33, (66+33)/2 = 49.
    assertThat(scores(fit, requesting("p", "1", "2000"), snapshot(sized("n", "3", "3000", 10))))
        .containsExactly(49);
    // Over-requested resources score 0.
    assertThat(scores(fit, requesting("p", "4", "1500"), snapshot(sized("n", "3", "3000", 10))))
        .containsExactly(25);
  }

  @Test
  void leastAllocatedCountsDefaultsForContainersRequestingNothing() {
    PodInfo bestEffort = pod("{metadata: {name: b, uid: b}, spec: {containers: [{name: c}]}}");
    // 100m of 1000m and 200Mi of 1000Mi used: (90 + 80) / 2 = 85.
    assertThat(scores(fit, bestEffort, snapshot(sized("n", "1", "1000Mi", 10))))
        .containsExactly(85);
  }

  @Test
  void balancedAllocationIsOneMinusHalfTheDifferenceOfFractions() {
    // balanced_allocation_test: 3000m/5000 on 4000m/10000 -> |0.75-0.5|/2 = 0.125 -> 87.
    PodInfo p = requesting("p", "3000m", "5000");
    assertThat(
            scores(
                balanced,
                p,
                snapshot(sized("n1", "4000m", "10000", 10), sized("n2", "6000m", "10000", 10))))
        .containsExactly(87, 100);
  }

  @Test
  void balancedAllocationCapsFractionsAtOneAndUsesActualRequests() {
    // cpu fraction 2 -> 1, memory 0.5: std 0.25 -> 75.
    assertThat(scores(balanced, requesting("p", "2", "500"), snapshot(sized("n", "1", "1000", 10))))
        .containsExactly(75);
    // A best-effort pod on an empty node: both fractions 0 -> 100.
    PodInfo bestEffort = pod("{metadata: {name: b, uid: b}, spec: {containers: [{name: c}]}}");
    assertThat(scores(balanced, bestEffort, snapshot(sized("n", "1", "1000", 10))))
        .containsExactly(100);
  }

  @Test
  void balancedAllocationWithAnExtendedResourceUsesTheStandardDeviation() {
    NodeInfo n =
        node(
            """
            metadata: {name: g}
            status: {allocatable: {cpu: "4", memory: "4000", pods: "10", example.com/gpu: "4"}}
            """);
    PodInfo p =
        pod(
            """
            metadata: {name: p, uid: p}
            spec:
              containers:
              - {name: c, resources: {requests: {cpu: "1", memory: "2000", example.com/gpu: "4"}}}
            """);
    // Only cpu and memory are scored by default: |0.25 - 0.5| / 2 = 0.125 -> 87.
    assertThat(scores(balanced, p, snapshot(n))).containsExactly(87);
    long[] alloc = {4000, 4000, 4};
    long[] req = {1000, 2000, 4};
    // fractions .25 .5 1: mean .5833, std 0.3118 -> 68.
    assertThat(ResourceAllocation.balanced(alloc, req)).isEqualTo(68);
  }
}
