package io.akkube.core.api.core.v1;

import static io.akkube.core.api.core.v1.PodFixtures.obj;
import static io.akkube.core.api.core.v1.PodFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PodStrategyTest {

  private final PodStrategy strategy = new PodStrategy();

  @Test
  void aNewPodIsPendingWithItsQosClassWhateverStatusTheClientSent() {
    ObjectNode pod = pod("'resources':{'limits':{'cpu':'0.5','memory':'64Mi'}}", "");
    pod.set("status", obj("{'phase':'Running','podIP':'10.0.0.1'}"));
    strategy.prepareForCreate(pod);
    assertThat(pod.get("status")).isEqualTo(obj("{'phase':'Pending','qosClass':'Guaranteed'}"));
    assertThat(pod.at("/spec/containers/0/resources/requests/cpu").asText()).isEqualTo("500m");
    assertThat(pod.at("/spec/serviceAccountName").asText()).isEqualTo("default");
  }

  @Test
  void aGatedPodIsMarkedUnschedulable() {
    ObjectNode pod = pod("", "'schedulingGates':[{'name':'example.com/wait'}]");
    strategy.prepareForCreate(pod);
    assertThat(pod.at("/status/conditions/0/reason").asText()).isEqualTo("SchedulingGated");
  }

  @Test
  void theMainResourceKeepsStatusAndTheStatusSubresourceKeepsSpec() {
    ObjectNode old = pod("", "'nodeName':'n1'");
    old.set("status", obj("{'phase':'Running','qosClass':'BestEffort'}"));
    ObjectNode update = pod("", "'nodeName':'n1'");
    update.set("status", obj("{'phase':'Failed'}"));
    strategy.prepareForUpdate(update, old);
    assertThat(update.at("/status/phase").asText()).isEqualTo("Running");

    ObjectNode statusUpdate = pod("", "'nodeName':'other'");
    statusUpdate.set("status", obj("{'phase':'Succeeded'}"));
    strategy.prepareForStatusUpdate(statusUpdate, old);
    assertThat(statusUpdate.at("/spec/nodeName").asText()).isEqualTo("n1");
    assertThat(statusUpdate.at("/status/phase").asText()).isEqualTo("Succeeded");
    assertThat(statusUpdate.at("/status/qosClass").asText()).isEqualTo("BestEffort");
  }

  @Test
  void onlyBoundRunningPodsAreDeletedGracefully() {
    ObjectNode unbound = PodFixtures.defaulted(pod("", ""));
    assertThat(strategy.gracePeriodSeconds(unbound, null)).isZero();
    ObjectNode bound =
        PodFixtures.defaulted(pod("", "'nodeName':'n1','terminationGracePeriodSeconds':45"));
    assertThat(strategy.gracePeriodSeconds(bound, null)).isEqualTo(45);
    bound.set("status", obj("{'phase':'Succeeded'}"));
    assertThat(strategy.gracePeriodSeconds(bound, null)).isZero();
    ObjectNode negative =
        PodFixtures.defaulted(pod("", "'nodeName':'n1','terminationGracePeriodSeconds':-5"));
    assertThat(strategy.gracePeriodSeconds(negative, null)).isEqualTo(1);
    assertThat(strategy.warnings(negative))
        .containsExactly(
            "spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will"
                + " be treated as 1");
  }

  @Test
  void podsDoNotTrackGeneration() {
    assertThat(strategy.tracksGeneration()).isFalse();
  }
}
