package io.akkube.cluster.taints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import io.akkube.core.scheduling.model.Taint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoExecuteTaintsTest {

  private static final Taint MAINTENANCE = new Taint("maintenance", "now", Taint.NO_EXECUTE);
  private static final Taint OTHER = new Taint("other", "", Taint.NO_EXECUTE);

  private static JsonNode tolerations(String json) throws Exception {
    return Json.MAPPER.readTree(json);
  }

  @Test
  void aPodThatDoesNotTolerateTheTaintGoesAtOnce() throws Exception {
    assertThat(NoExecuteTaints.evictionDelay(tolerations("[]"), List.of(MAINTENANCE)))
        .contains(Duration.ZERO);
  }

  @Test
  void noNoExecuteTaintMeansNoEviction() throws Exception {
    assertThat(
            NoExecuteTaints.evictionDelay(
                tolerations("[]"), List.of(new Taint("k", "v", Taint.NO_SCHEDULE))))
        .isEmpty();
  }

  @Test
  void anUnboundedTolerationKeepsThePod() throws Exception {
    assertThat(
            NoExecuteTaints.evictionDelay(
                tolerations("[{\"key\":\"maintenance\",\"operator\":\"Exists\"}]"),
                List.of(MAINTENANCE)))
        .isEmpty();
  }

  @Test
  void theShortestTolerationSecondsWins() throws Exception {
    JsonNode t =
        tolerations(
            "[{\"key\":\"maintenance\",\"operator\":\"Exists\",\"tolerationSeconds\":30},"
                + "{\"key\":\"other\",\"operator\":\"Exists\",\"tolerationSeconds\":5}]");
    assertThat(NoExecuteTaints.evictionDelay(t, List.of(MAINTENANCE, OTHER)))
        .contains(Duration.ofSeconds(5));
  }

  @Test
  void oneUntoleratedTaintAmongToleratedOnesEvictsAtOnce() throws Exception {
    JsonNode t = tolerations("[{\"key\":\"maintenance\",\"operator\":\"Exists\"}]");
    assertThat(NoExecuteTaints.evictionDelay(t, List.of(MAINTENANCE, OTHER)))
        .contains(Duration.ZERO);
  }

  @Test
  void negativeTolerationSecondsMeansAtOnce() throws Exception {
    JsonNode t =
        tolerations(
            "[{\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":-1}]");
    assertThat(NoExecuteTaints.evictionDelay(t, List.of(MAINTENANCE))).contains(Duration.ZERO);
  }
}
