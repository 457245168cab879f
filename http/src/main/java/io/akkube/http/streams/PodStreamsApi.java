package io.akkube.http.streams;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.model.ws.BinaryMessage;
import akka.http.javadsl.model.ws.Message;
import akka.http.javadsl.model.ws.WebSocketUpgrade;
import akka.stream.Materializer;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.util.ByteString;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.streams.ExecOptions;
import io.akkube.core.streams.ExecSession;
import io.akkube.core.streams.PodStreams;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET pods/{name}/log} (plain text, chunked; streamed while following) and {@code
 * pods/{name}/exec} over WebSocket with the channel protocol ({@link ExecChannels}), answered from
 * a {@link PodStreams} (the API member's, which forwards to the node running the pod).
 */
public final class PodStreamsApi {

  private final ActorSystem<?> system;
  private final PodStreams streams;
  private final Clock clock;

  public PodStreamsApi(ActorSystem<?> system, PodStreams streams, Clock clock) {
    this.system = system;
    this.streams = streams;
    this.clock = clock;
  }

  /** Whether this serves {@code subresource} of pods. */
  public static boolean serves(String subresource) {
    return "log".equals(subresource) || "exec".equals(subresource);
  }

  public CompletionStage<HttpResponse> handle(
      HttpRequest request, Query query, String namespace, String pod, String subresource) {
    String method = request.method().value();
    if (subresource.equals("log")) {
      if (!method.equals("GET")) {
        return methodNotAllowed();
      }
      return streams
          .logs(namespace, pod, LogQuery.parse(query, clock.instant()))
          .thenApply(
              log ->
                  HttpResponse.create()
                      .withStatus(200)
                      .withEntity(HttpEntities.createChunked(ContentTypes.TEXT_PLAIN_UTF8, log)));
    }
    if (!method.equals("GET") && !method.equals("POST")) {
      return methodNotAllowed();
    }
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    Optional<String> protocol =
        upgrade.flatMap(u -> ExecChannels.negotiate(u.getRequestedProtocols()));
    if (protocol.isEmpty()) {
      // kubectl falls back to SPDY (a POST) only when the WebSocket upgrade failed.
      throw ApiStatus.badRequest(
              "exec needs a WebSocket upgrade with subprotocol "
                  + ExecChannels.V5
                  + " or "
                  + ExecChannels.V4
                  + " (kubectl 1.30 or newer); SPDY is not served")
          .exception();
    }
    ExecOptions options = execOptions(query);
    return streams
        .exec(namespace, pod, options)
        .handle(
            (session, failure) -> {
              Flow<Message, Message, NotUsed> flow =
                  failure == null ? sessionFlow(session, options) : failureFlow(failure);
              return upgrade.get().handleMessagesWith(flow, protocol.get());
            });
  }

  static ExecOptions execOptions(Query query) {
    // Query.getAll answers in reverse order; argv order matters.
    List<String> command =
        query.toList().stream()
            .filter(p -> p.first().equals("command"))
            .map(p -> p.second())
            .toList();
    if (command.isEmpty()) {
      throw ApiStatus.badRequest("you must specify at least 1 command").exception();
    }
    boolean tty = LogQuery.flag(query, "tty");
    ExecOptions options =
        new ExecOptions(
            query.get("container").orElse(""),
            command,
            LogQuery.flag(query, "stdin"),
            LogQuery.flag(query, "stdout"),
            LogQuery.flag(query, "stderr") && !tty,
            tty);
    if (!options.stdin() && !options.stdout() && !options.stderr()) {
      throw ApiStatus.badRequest("you must specify at least 1 of stdin, stdout, stderr")
          .exception();
    }
    return options;
  }

  /**
   * Client frames to the command (stdin, resizes, the v5 close of stdin); the command's output and
   * then its exit status to the client. When the client goes away first, the command is killed.
   */
  private Flow<Message, Message, NotUsed> sessionFlow(ExecSession session, ExecOptions options) {
    Materializer mat = Materializer.matFromSystem(system);
    Sink<ByteString, NotUsed> stdinSink =
        options.stdin()
            ? session.stdin()
            : Sink.<ByteString>ignore().mapMaterializedValue(d -> NotUsed.getInstance());
    SourceQueueWithComplete<ByteString> stdin =
        Source.<ByteString>queue(64, OverflowStrategy.backpressure()).to(stdinSink).run(mat);
    Sink<Message, NotUsed> incoming =
        Flow.<Message>create()
            .mapAsync(1, m -> strict(m, mat))
            .mapConcat(b -> ExecChannels.parse(b).map(List::of).orElse(List.of()))
            .mapAsync(
                1,
                frame -> {
                  switch (frame.channel()) {
                    case ExecChannels.STDIN -> {
                      return frame.payload().isEmpty()
                          ? done()
                          : stdin.offer(frame.payload()).thenApply(r -> NotUsed.getInstance());
                    }
                    case ExecChannels.RESIZE ->
                        ExecChannels.size(frame.payload())
                            .ifPresent(s -> session.resize(s[0], s[1]));
                    case ExecChannels.CLOSE -> {
                      if (ExecChannels.closedChannel(frame).orElse(-1) == ExecChannels.STDIN) {
                        stdin.complete();
                      }
                    }
                    default -> {}
                  }
                  return done();
                })
            .to(
                Sink.<NotUsed>ignore()
                    .mapMaterializedValue(
                        finished -> {
                          finished.whenComplete((d, f) -> stdin.complete());
                          return NotUsed.getInstance();
                        }));

    Source<ByteString, NotUsed> output = Source.empty();
    if (options.stdout()) {
      output = session.stdout().map(b -> ExecChannels.frame(ExecChannels.STDOUT, b));
    } else {
      session.stdout().runWith(Sink.ignore(), mat);
    }
    if (options.stderr()) {
      output = output.merge(session.stderr().map(b -> ExecChannels.frame(ExecChannels.STDERR, b)));
    } else {
      session.stderr().runWith(Sink.ignore(), mat);
    }
    Source<ByteString, NotUsed> status =
        Source.completionStage(session.exitCode())
            .map(
                code ->
                    ExecChannels.frame(
                        ExecChannels.ERROR, ExecChannels.exitStatus(code, options.command())));
    Source<Message, NotUsed> outgoing =
        output
            .concat(status)
            .map(b -> (Message) BinaryMessage.create(b))
            .watchTermination(
                (notUsed, finished) -> {
                  finished.whenComplete((d, f) -> session.terminate());
                  return notUsed;
                });
    return Flow.fromSinkAndSourceCoupled(incoming, outgoing);
  }

  /** A failure after the upgrade was asked for: its Status on the error channel, then close. */
  private static Flow<Message, Message, NotUsed> failureFlow(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    ByteString status =
        cause instanceof ApiException api
            ? ByteString.fromArray(Json.bytes(api.status().toJson()))
            : ExecChannels.failureStatus(String.valueOf(cause.getMessage()));
    return Flow.fromSinkAndSource(
        Sink.ignore(),
        Source.single(
            (Message) BinaryMessage.create(ExecChannels.frame(ExecChannels.ERROR, status))));
  }

  private static CompletionStage<ByteString> strict(Message m, Materializer mat) {
    if (m.isText()) {
      return m.asTextMessage()
          .getStreamedText()
          .runWith(Sink.ignore(), mat)
          .thenApply(d -> ByteString.emptyByteString());
    }
    return m.asBinaryMessage().toStrict(10_000, mat).thenApply(b -> b.getStrictData());
  }

  private static CompletionStage<NotUsed> done() {
    return CompletableFuture.completedFuture(NotUsed.getInstance());
  }

  private static CompletionStage<HttpResponse> methodNotAllowed() {
    return CompletableFuture.failedFuture(
        ApiStatus.methodNotAllowed(
                "the server does not allow this method on the requested resource")
            .exception());
  }
}
