package io.akkube.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.api.Json;
import org.junit.jupiter.api.Test;

class RolloutMathTest {

  @Test
  void surgeRoundsUpAndUnavailabilityRoundsDown() {
    var f = RolloutMath.resolve(Json.MAPPER.valueToTree("25%"), Json.MAPPER.valueToTree("25%"), 10);
    assertThat(f).isEqualTo(new RolloutMath.Fenceposts(3, 2));
    var g = RolloutMath.resolve(Json.MAPPER.valueToTree(3), Json.MAPPER.valueToTree(2), 10);
    assertThat(g).isEqualTo(new RolloutMath.Fenceposts(3, 2));
  }

  @Test
  void absentValuesDefaultTo25Percent() {
    assertThat(RolloutMath.resolve(null, null, 4)).isEqualTo(new RolloutMath.Fenceposts(1, 1));
    assertThat(RolloutMath.resolve(null, null, 1)).isEqualTo(new RolloutMath.Fenceposts(1, 0));
  }

  @Test
  void bothZeroMakesOneUnavailable() {
    var f = RolloutMath.resolve(Json.MAPPER.valueToTree(0), Json.MAPPER.valueToTree("10%"), 5);
    assertThat(f).isEqualTo(new RolloutMath.Fenceposts(0, 1));
  }

  @Test
  void maxUnavailableNeverExceedsReplicasAndIsZeroForRecreate() {
    var d =
        Trees.json(
            "{'spec':{'replicas':2,'strategy':{'type':'RollingUpdate',"
                + "'rollingUpdate':{'maxSurge':1,'maxUnavailable':5}}}}");
    assertThat(RolloutMath.maxUnavailable(d)).isEqualTo(2);
    var r = Trees.json("{'spec':{'replicas':2,'strategy':{'type':'Recreate'}}}");
    assertThat(RolloutMath.maxUnavailable(r)).isZero();
    assertThat(RolloutMath.maxSurge(r)).isZero();
  }
}
