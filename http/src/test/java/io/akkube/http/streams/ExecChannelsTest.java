package io.akkube.http.streams;

import static org.assertj.core.api.Assertions.assertThat;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecChannelsTest {

  @Test
  void theClientsFirstSupportedProtocolWins() {
    assertThat(
            ExecChannels.negotiate(
                List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io")))
        .contains("v5.channel.k8s.io");
    assertThat(ExecChannels.negotiate(List.of("v4.channel.k8s.io", "channel.k8s.io")))
        .contains("v4.channel.k8s.io");
    assertThat(ExecChannels.negotiate(List.of("base64.channel.k8s.io"))).isEmpty();
  }

  @Test
  void framesStartWithTheirChannel() {
    ByteString frame = ExecChannels.frame(ExecChannels.STDERR, ByteString.fromString("oops"));
    assertThat(frame.toArray()).startsWith(2, 'o', 'o', 'p', 's');
    ExecChannels.Frame parsed = ExecChannels.parse(frame).orElseThrow();
    assertThat(parsed.channel()).isEqualTo(ExecChannels.STDERR);
    assertThat(parsed.payload().utf8String()).isEqualTo("oops");
    assertThat(ExecChannels.parse(ByteString.emptyByteString())).isEmpty();
  }

  @Test
  void v5CloseNamesTheChannelItCloses() {
    ExecChannels.Frame close =
        ExecChannels.parse(ByteString.fromArray(new byte[] {(byte) 255, 0})).orElseThrow();
    assertThat(close.channel()).isEqualTo(ExecChannels.CLOSE);
    assertThat(ExecChannels.closedChannel(close)).contains(ExecChannels.STDIN);
  }

  @Test
  void resizePayloadsCarryWidthAndHeight() {
    assertThat(ExecChannels.size(ByteString.fromString("{\"Width\":120,\"Height\":40}")))
        .hasValueSatisfying(s -> assertThat(s).containsExactly(120, 40));
    assertThat(ExecChannels.size(ByteString.fromString("not json"))).isEmpty();
  }

  @Test
  void aZeroExitIsSuccessAndOtherCodesAreNonZeroExitCodeWithTheCodeAsCause() throws Exception {
    JsonNode ok = Json.MAPPER.readTree(ExecChannels.exitStatus(0, List.of("true")).toArray());
    assertThat(Json.string(ok)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    JsonNode failed =
        Json.MAPPER.readTree(ExecChannels.exitStatus(3, List.of("sh", "-c", "exit 3")).toArray());
    assertThat(failed.path("status").asText()).isEqualTo("Failure");
    assertThat(failed.path("reason").asText()).isEqualTo("NonZeroExitCode");
    JsonNode cause = failed.path("details").path("causes").get(0);
    assertThat(cause.path("reason").asText()).isEqualTo("ExitCode");
    assertThat(cause.path("message").asText()).isEqualTo("3");
  }
}
