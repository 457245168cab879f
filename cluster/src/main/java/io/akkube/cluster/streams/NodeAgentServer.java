package io.akkube.cluster.streams;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.stream.Materializer;
import akka.stream.OverflowStrategy;
import akka.stream.SinkRef;
import akka.stream.SourceRef;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.stream.javadsl.StreamRefs;
import akka.util.ByteString;
import io.akkube.core.CborSerializable;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.core.streams.ExecOptions;
import io.akkube.core.streams.ExecSession;
import io.akkube.core.streams.LogOptions;
import io.akkube.core.streams.PodStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The node agent's server for other members (the kubelet's {@code /containerLogs}, {@code /exec}
 * and {@code /stats/summary} handlers): registered with the receptionist under {@link
 * #key(String)}, it answers with stream refs that the asking member runs (docs/decisions/0017). A
 * log is a {@link SourceRef}; an exec is a {@link SinkRef} for stdin and resizes plus source refs
 * for stdout, stderr and the exit code; a summary is a plain reply. Failures come back as the
 * {@link ApiStatus} the user sees.
 */
public final class NodeAgentServer {

  /**
   * Artery drops a message larger than its frame (256 KiB by default): stream elements are cut to
   * this size before they cross.
   */
  static final int MAX_ELEMENT_BYTES = 64 * 1024;

  private NodeAgentServer() {}

  /** The receptionist's key of the agent serving node {@code nodeName}. */
  public static ServiceKey<Command> key(String nodeName) {
    return ServiceKey.create(Command.class, "node-agent:" + nodeName);
  }

  // ---------------------------------------------------------------- protocol

  public sealed interface Command extends CborSerializable {}

  /**
   * {@code options.container()} is resolved already (the API member did it, as for a local agent).
   */
  public record Logs(String namespace, String pod, LogOptions options, ActorRef<LogsReply> replyTo)
      implements Command {}

  /** The log to run, or why there is none. */
  public record LogsReply(SourceRef<ByteString> log, ApiStatus error) implements CborSerializable {}

  public record Exec(String namespace, String pod, ExecOptions options, ActorRef<ExecReply> replyTo)
      implements Command {}

  /**
   * A started exec: {@code input} takes {@link ExecInput}s until the asker terminates the session
   * (completes it, or goes away); the command is then killed if it still runs.
   */
  public record ExecReply(
      SinkRef<ExecInput> input,
      SourceRef<ByteString> stdout,
      SourceRef<ByteString> stderr,
      SourceRef<Integer> exitCode,
      ApiStatus error)
      implements CborSerializable {}

  public record Summary(ActorRef<SummaryReply> replyTo) implements Command {}

  public record SummaryReply(NodeSummaries.Sample sample, ApiStatus error)
      implements CborSerializable {}

  /** What the asker sends into a running exec. */
  public sealed interface ExecInput extends CborSerializable {}

  public record Stdin(byte[] bytes) implements ExecInput {}

  /** The client closed stdin (EOF). */
  public record StdinClosed() implements ExecInput {}

  public record Resize(int width, int height) implements ExecInput {}

  // ---------------------------------------------------------------- behavior

  /**
   * Registers with the receptionist for {@code nodeName} and serves its pods and stats.
   *
   * @param summary the agent's {@link io.akkube.node.stats.SummaryProvider#summary()}
   */
  public static Behavior<Command> create(
      String nodeName,
      PodStreams streams,
      Supplier<CompletionStage<NodeSummaries.Sample>> summary) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(key(nodeName), ctx.getSelf()));
          // streams end with this actor (the member stopping)
          Materializer mat = Materializer.createMaterializer(ctx);
          return Behaviors.receive(Command.class)
              .onMessage(
                  Logs.class,
                  m -> {
                    streams
                        .logs(m.namespace(), m.pod(), m.options())
                        .whenComplete(
                            (log, failure) ->
                                m.replyTo()
                                    .tell(
                                        failure == null
                                            ? new LogsReply(
                                                log.via(chunked())
                                                    .runWith(StreamRefs.sourceRef(), mat),
                                                null)
                                            : new LogsReply(null, status(failure))));
                    return Behaviors.same();
                  })
              .onMessage(
                  Exec.class,
                  m -> {
                    streams
                        .exec(m.namespace(), m.pod(), m.options())
                        .whenComplete(
                            (session, failure) ->
                                m.replyTo()
                                    .tell(
                                        failure == null
                                            ? serve(session, m.options(), mat)
                                            : new ExecReply(
                                                null, null, null, null, status(failure))));
                    return Behaviors.same();
                  })
              .onMessage(
                  Summary.class,
                  m -> {
                    summary
                        .get()
                        .whenComplete(
                            (sample, failure) ->
                                m.replyTo()
                                    .tell(
                                        new SummaryReply(
                                            sample, failure == null ? null : status(failure))));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /**
   * Runs a local session for the asker: its input to stdin and the terminal, its outputs into
   * source refs. When the input ends (the asker terminated the session, went away, or never
   * subscribed), the command is killed as a local client's detaching kills it.
   */
  private static ExecReply serve(ExecSession session, ExecOptions options, Materializer mat) {
    Sink<ByteString, NotUsed> stdinSink =
        options.stdin()
            ? session.stdin()
            : Sink.<ByteString>ignore().mapMaterializedValue(d -> NotUsed.getInstance());
    SourceQueueWithComplete<ByteString> stdin =
        Source.<ByteString>queue(16, OverflowStrategy.backpressure()).to(stdinSink).run(mat);
    SinkRef<ExecInput> input =
        StreamRefs.<ExecInput>sinkRef()
            .mapAsync(
                1,
                in -> {
                  if (in instanceof Stdin s) {
                    // stdin of a command that has ended takes nothing: that ends no session
                    return stdin.offer(ByteString.fromArray(s.bytes())).handle((r, e) -> in);
                  }
                  if (in instanceof StdinClosed) {
                    stdin.complete();
                  } else if (in instanceof Resize r) {
                    session.resize(r.width(), r.height());
                  }
                  return CompletableFuture.completedFuture(in);
                })
            .to(
                Sink.onComplete(
                    done -> {
                      stdin.complete();
                      session.terminate();
                    }))
            .run(mat);
    return new ExecReply(
        input,
        session.stdout().via(chunked()).runWith(StreamRefs.sourceRef(), mat),
        session.stderr().via(chunked()).runWith(StreamRefs.sourceRef(), mat),
        Source.completionStage(session.exitCode()).runWith(StreamRefs.sourceRef(), mat),
        null);
  }

  /** Cuts elements larger than {@link #MAX_ELEMENT_BYTES} (a whole log's first chunk can be). */
  static Flow<ByteString, ByteString, NotUsed> chunked() {
    return Flow.<ByteString>create().mapConcat(NodeAgentServer::chunks);
  }

  static List<ByteString> chunks(ByteString bytes) {
    if (bytes.size() <= MAX_ELEMENT_BYTES) {
      return List.of(bytes);
    }
    List<ByteString> chunks = new ArrayList<>();
    for (int from = 0; from < bytes.size(); from += MAX_ELEMENT_BYTES) {
      chunks.add(bytes.slice(from, Math.min(bytes.size(), from + MAX_ELEMENT_BYTES)));
    }
    return chunks;
  }

  /** The Status a failed local call carries, or a 500 for an unexpected failure. */
  static ApiStatus status(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause instanceof ApiException api
        ? api.status()
        : ApiStatus.internal("node agent: " + cause.getMessage());
  }
}
