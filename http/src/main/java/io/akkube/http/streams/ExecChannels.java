package io.akkube.http.streams;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes channel protocol over WebSocket (k8s.io/apimachinery wsstream, kubelet's
 * remotecommand): every binary message starts with its channel byte. 0 stdin, 1 stdout, 2 stderr, 3
 * error (the final metav1.Status as JSON), 4 resize ({@code {"Width":w,"Height":h}}); in {@code
 * v5.channel.k8s.io} a client message on channel 255 whose payload is a channel number closes that
 * channel (stdin EOF).
 */
public final class ExecChannels {

  public static final String V5 = "v5.channel.k8s.io";
  public static final String V4 = "v4.channel.k8s.io";
  public static final int STDIN = 0;
  public static final int STDOUT = 1;
  public static final int STDERR = 2;
  public static final int ERROR = 3;
  public static final int RESIZE = 4;
  public static final int CLOSE = 255;

  private ExecChannels() {}

  /** One message: its channel and payload. */
  public record Frame(int channel, ByteString payload) {}

  /** The first of the client's subprotocols that we speak (the client lists its preference). */
  public static Optional<String> negotiate(Iterable<String> requested) {
    for (String p : requested) {
      String protocol = p.trim();
      if (protocol.equals(V5) || protocol.equals(V4)) {
        return Optional.of(protocol);
      }
    }
    return Optional.empty();
  }

  public static ByteString frame(int channel, ByteString payload) {
    return ByteString.fromArray(new byte[] {(byte) channel}).concat(payload);
  }

  /** A client message; empty for a message without a channel byte. */
  public static Optional<Frame> parse(ByteString message) {
    if (message.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Frame(message.apply(0) & 0xff, message.drop(1)));
  }

  /** The channel a v5 close message closes. */
  public static Optional<Integer> closedChannel(Frame frame) {
    return frame.channel() == CLOSE && !frame.payload().isEmpty()
        ? Optional.of(frame.payload().apply(0) & 0xff)
        : Optional.empty();
  }

  /** A resize payload as width and height; empty when it is not one. */
  public static Optional<int[]> size(ByteString payload) {
    try {
      JsonNode size = Json.MAPPER.readTree(payload.toArray());
      if (size == null || !size.path("Width").isNumber() || !size.path("Height").isNumber()) {
        return Optional.empty();
      }
      return Optional.of(new int[] {size.get("Width").asInt(), size.get("Height").asInt()});
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The error-channel Status for how the command ended, as the kubelet writes it: Success, or
   * NonZeroExitCode with the exit code as the ExitCode cause (kubectl exits with it).
   */
  public static ByteString exitStatus(int exitCode, List<String> command) {
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.putObject("metadata");
    if (exitCode == 0) {
      status.put("status", "Success");
    } else {
      status.put("status", "Failure");
      status.put(
          "message",
          "command terminated with non-zero exit code: error executing command "
              + command
              + ", exit code "
              + exitCode);
      status.put("reason", "NonZeroExitCode");
      status
          .putObject("details")
          .putArray("causes")
          .addObject()
          .put("reason", "ExitCode")
          .put("message", Integer.toString(exitCode));
    }
    return ByteString.fromArray(Json.bytes(status));
  }

  /** An error-channel Status for a failure before or instead of an exit code. */
  public static ByteString failureStatus(String message) {
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", "InternalError");
    status.put("code", 500);
    return ByteString.fromArray(Json.bytes(status));
  }
}
