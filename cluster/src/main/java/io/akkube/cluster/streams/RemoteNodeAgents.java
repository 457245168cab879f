package io.akkube.cluster.streams;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.japi.Pair;
import akka.stream.KillSwitches;
import akka.stream.Materializer;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.MergeHub;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.akkube.cluster.streams.NodeAgentServer.Command;
import io.akkube.cluster.streams.NodeAgentServer.ExecInput;
import io.akkube.cluster.streams.NodeAgentServer.ExecReply;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.core.streams.ExecOptions;
import io.akkube.core.streams.ExecSession;
import io.akkube.core.streams.LogOptions;
import io.akkube.core.streams.PodStreams;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The node agents of the other members, as the API member reaches them (docs/decisions/0017): the
 * agent of a node is found through the receptionist ({@link NodeAgentServer#key}), asked with a
 * bounded timeout, and its stream refs are run here. A node whose agent is not registered, or whose
 * member is unreachable or does not answer in time, is a 503, as a kubelet that cannot be dialled.
 */
public final class RemoteNodeAgents {

  /** The receptionist answers from this member's replica: it is quick or it is broken. */
  private static final Duration FIND_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final Duration timeout;
  private final Materializer mat;

  /**
   * @param timeout how long an agent may take to answer (an exec's start, a summary's readings)
   */
  public RemoteNodeAgents(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
    this.mat = Materializer.matFromSystem(system);
  }

  /** The log and exec streams of node {@code nodeName}'s agent. */
  public PodStreams podStreams(String nodeName) {
    return new PodStreams() {
      @Override
      public CompletionStage<Source<ByteString, NotUsed>> logs(
          String namespace, String pod, LogOptions options) {
        return ask(
                nodeName,
                (ActorRef<NodeAgentServer.LogsReply> r) ->
                    new NodeAgentServer.Logs(namespace, pod, options, r))
            .thenApply(
                reply -> {
                  if (reply.error() != null) {
                    throw reply.error().exception();
                  }
                  return reply.log().getSource();
                });
      }

      @Override
      public CompletionStage<ExecSession> exec(String namespace, String pod, ExecOptions options) {
        return ask(
                nodeName,
                (ActorRef<ExecReply> r) -> new NodeAgentServer.Exec(namespace, pod, options, r))
            .thenApply(
                reply -> {
                  if (reply.error() != null) {
                    throw reply.error().exception();
                  }
                  return new RemoteExecSession(reply, mat);
                });
      }
    };
  }

  public CompletionStage<NodeSummaries.Sample> summary(String nodeName) {
    return ask(nodeName, NodeAgentServer.Summary::new)
        .thenApply(
            reply -> {
              if (reply.error() != null) {
                throw reply.error().exception();
              }
              return reply.sample();
            });
  }

  private <R> CompletionStage<R> ask(String nodeName, Function<ActorRef<R>, Command> request) {
    ServiceKey<Command> key = NodeAgentServer.key(nodeName);
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(),
            replyTo -> Receptionist.find(key, replyTo),
            FIND_TIMEOUT,
            system.scheduler())
        .thenCompose(
            listing -> {
              // reachable instances only; two only while a restarted member replaces its old self
              ActorRef<Command> agent =
                  listing.getServiceInstances(key).stream()
                      .findFirst()
                      .orElseThrow(() -> unreachable(nodeName, "is reachable from this member"));
              return AskPattern.<Command, R>ask(agent, request::apply, timeout, system.scheduler())
                  .exceptionally(
                      failure -> {
                        throw unreachable(
                            nodeName,
                            "answered within "
                                + timeout.toSeconds()
                                + "s (member "
                                + agent.path().address()
                                + ")");
                      });
            });
  }

  private static RuntimeException unreachable(String nodeName, String what) {
    return new ApiStatus(
            503, "ServiceUnavailable", "no node agent of node " + nodeName + " " + what, null, null)
        .exception();
  }

  /**
   * An exec on another member: stdin and resizes merge into the agent's input ref; terminating
   * completes that input, which kills the command there.
   */
  private static final class RemoteExecSession implements ExecSession {

    private final ExecReply reply;
    private final Sink<ExecInput, NotUsed> input;
    private final UniqueKillSwitch end;
    private final CompletionStage<Integer> exitCode;
    private final Materializer mat;

    RemoteExecSession(ExecReply reply, Materializer mat) {
      this.reply = reply;
      this.mat = mat;
      // run at once: the agent's refs wait for their subscriber only so long
      Pair<Sink<ExecInput, NotUsed>, UniqueKillSwitch> hub =
          MergeHub.of(ExecInput.class, 16)
              .viaMat(KillSwitches.single(), Keep.both())
              .to(reply.input().getSink())
              .run(mat);
      this.input = hub.first();
      this.end = hub.second();
      this.exitCode = reply.exitCode().getSource().runWith(Sink.head(), mat);
    }

    @Override
    public Sink<ByteString, NotUsed> stdin() {
      return Flow.<ByteString>create()
          .via(NodeAgentServer.chunked())
          .map(b -> (ExecInput) new NodeAgentServer.Stdin(b.toArray()))
          .concat(Source.single(new NodeAgentServer.StdinClosed()))
          .to(input);
    }

    @Override
    public Source<ByteString, NotUsed> stdout() {
      return reply.stdout().getSource();
    }

    @Override
    public Source<ByteString, NotUsed> stderr() {
      return reply.stderr().getSource();
    }

    @Override
    public void resize(int width, int height) {
      Source.single((ExecInput) new NodeAgentServer.Resize(width, height)).runWith(input, mat);
    }

    @Override
    public CompletionStage<Integer> exitCode() {
      return exitCode;
    }

    @Override
    public void terminate() {
      end.shutdown();
    }
  }
}
