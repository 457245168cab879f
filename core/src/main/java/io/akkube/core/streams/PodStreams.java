package io.akkube.core.streams;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.concurrent.CompletionStage;

/**
 * A pod's log and exec streams ({@code pods/{name}/log}, {@code pods/{name}/exec}), as the API
 * member sees them. The node agent running the pod implements it for its pods (the kubelet's {@code
 * /containerLogs} and {@code /exec}); the API member's implementation finds the pod's node and
 * forwards there. Failures complete the stage with an {@link io.akkube.core.api.ApiException}
 * carrying the Status the user sees ({@code previous terminated container "c" in pod "p" not
 * found}, …).
 */
public interface PodStreams {

  /**
   * The container's log as it would be printed (timestamps prefixed when asked, limits applied);
   * with {@code follow}, the source ends when the container does or when the consumer cancels.
   */
  CompletionStage<Source<ByteString, NotUsed>> logs(
      String namespace, String pod, LogOptions options);

  /** Starts {@code options.command()} in the running container. */
  CompletionStage<ExecSession> exec(String namespace, String pod, ExecOptions options);

  /** For a member that serves no pods: every request is a 400 saying so. */
  PodStreams NONE =
      new PodStreams() {
        @Override
        public CompletionStage<Source<ByteString, NotUsed>> logs(
            String namespace, String pod, LogOptions options) {
          return unavailable();
        }

        @Override
        public CompletionStage<ExecSession> exec(
            String namespace, String pod, ExecOptions options) {
          return unavailable();
        }

        private static <T> CompletionStage<T> unavailable() {
          return java.util.concurrent.CompletableFuture.failedFuture(
              io.akkube.core.api.ApiStatus.badRequest("pod logs and exec are not served here")
                  .exception());
        }
      };
}
