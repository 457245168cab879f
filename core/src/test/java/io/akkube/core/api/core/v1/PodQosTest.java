package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.defaulted;
import static io.akkube.core.api.core.v1.PodFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PodQosTest {

  @Test
  void aPodWithoutResourcesIsBestEffort() {
    assertThat(PodQos.qosClass(pod("", ""))).isEqualTo("BestEffort");
  }

  @Test
  void limitsOnlyPodsAreGuaranteedOnceRequestsDefaultToLimits() {
    assertThat(
            PodQos.qosClass(
                defaulted(pod("'resources':{'limits':{'cpu':'1','memory':'1Gi'}}", ""))))
        .isEqualTo("Guaranteed");
  }

  @Test
  void requestsBelowLimitsOrMissingMemoryLimitAreBurstable() {
    assertThat(
            PodQos.qosClass(
                defaulted(
                    pod(
                        "'resources':{'limits':{'cpu':'1','memory':'1Gi'},'requests':{'cpu':'500m'}}",
                        ""))))
        .isEqualTo("Burstable");
    assertThat(PodQos.qosClass(defaulted(pod("'resources':{'limits':{'cpu':'1'}}", ""))))
        .isEqualTo("Burstable");
  }

  @Test
  void initContainersCountToo() {
    assertThat(
            PodQos.qosClass(
                defaulted(
                    pod(
                        "'resources':{'limits':{'cpu':'1','memory':'1Gi'}}",
                        "'initContainers':[{'name':'i','image':'busybox'}]"))))
        .isEqualTo("Burstable");
  }

  @Test
  void equalAmountsWrittenDifferentlyAreStillGuaranteed() {
    assertThat(
            PodQos.qosClass(
                pod(
                    "'resources':{'limits':{'cpu':'1','memory':'1Gi'},'requests':{'cpu':'1000m','memory':'1024Mi'}}",
                    "")))
        .isEqualTo("Guaranteed");
  }
}
