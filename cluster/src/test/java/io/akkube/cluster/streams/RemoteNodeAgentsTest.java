package io.akkube.cluster.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.stream.Materializer;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.stats.NodeSummaries;
import io.akkube.core.stats.Summary;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.StoredObject;
import io.akkube.core.streams.ExecOptions;
import io.akkube.core.streams.ExecSession;
import io.akkube.core.streams.LogOptions;
import io.akkube.core.streams.PodStreams;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Logs, exec and the summary of a node agent on another member: two actor systems in this JVM form
 * an Akka cluster over Artery on loopback, so every message and stream element is serialised as
 * between JVMs. The "worker" runs {@link NodeAgentServer} for node-b over a scripted agent; the
 * "api" member reaches it through {@link RemoteNodeAgents} and {@link NodeStreamsRouter}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteNodeAgentsTest {

  private static final Duration AWAIT = Duration.ofSeconds(20);
  private static final String NODE = "node-b";
  private static ActorTestKit api;
  private static ActorTestKit worker;
  private static ScriptedAgent agent;
  private static RemoteNodeAgents remote;
  private static Materializer mat;

  @BeforeAll
  static void formCluster() throws Exception {
    api = ActorTestKit.create("akkube", config());
    worker = ActorTestKit.create("akkube", config());
    Cluster apiCluster = Cluster.get(api.system());
    apiCluster.manager().tell(Join.create(apiCluster.selfMember().address()));
    Cluster.get(worker.system()).manager().tell(Join.create(apiCluster.selfMember().address()));
    await(
        "both members Up",
        () ->
            java.util.stream.StreamSupport.stream(
                        apiCluster.state().getMembers().spliterator(), false)
                    .filter(m -> m.status() == MemberStatus.up())
                    .count()
                == 2);
    agent = new ScriptedAgent();
    worker.spawn(
        NodeAgentServer.create(NODE, agent, () -> CompletableFuture.completedFuture(SAMPLE)),
        "node-agent-server");
    remote = new RemoteNodeAgents(api.system(), Duration.ofSeconds(5));
    mat = Materializer.matFromSystem(api.system());
    await("the receptionist of the api member lists node-b", () -> succeeds(remote.summary(NODE)));
  }

  @AfterAll
  static void stop() {
    api.shutdownTestKit();
    worker.shutdownTestKit();
  }

  private static Config config() {
    return ConfigFactory.parseString(
        """
        akka.actor.provider = cluster
        akka.remote.artery.canonical.hostname = "127.0.0.1"
        akka.remote.artery.canonical.port = 0
        akka.actor.serialization-bindings {
          "io.akkube.core.CborSerializable" = jackson-cbor
        }
        akka.cluster.jmx.multi-mbeans-in-same-jvm = on
        akka.cluster.typed.receptionist.distributed-data.gossip-interval = 200ms
        akka.loglevel = WARNING
        """);
  }

  @Test
  @Order(1)
  void protocolMessagesSurviveSerialization() {
    LogOptions options =
        new LogOptions(
            "c",
            true,
            true,
            Optional.of(Instant.parse("2024-05-01T10:00:00.123456789Z")),
            true,
            OptionalLong.of(5),
            OptionalLong.of(1000));
    var logs =
        new NodeAgentServer.Logs(
            "ns", "p", options, api.<NodeAgentServer.LogsReply>createTestProbe().ref());
    assertThat(roundTrip(logs)).isEqualTo(logs);
    var exec =
        new NodeAgentServer.Exec(
            "ns",
            "p",
            new ExecOptions("c", List.of("sh", "-c", "exit 3"), true, true, false, true),
            api.<NodeAgentServer.ExecReply>createTestProbe().ref());
    assertThat(roundTrip(exec)).isEqualTo(exec);
    var failed =
        new NodeAgentServer.ExecReply(
            null, null, null, null, ApiStatus.badRequest("container not found (\"c\")"));
    assertThat(roundTrip(failed)).isEqualTo(failed);
    var summary = new NodeAgentServer.SummaryReply(SAMPLE, null);
    assertThat(roundTrip(summary)).isEqualTo(summary);
    assertThat(roundTrip(new NodeAgentServer.StdinClosed()))
        .isEqualTo(new NodeAgentServer.StdinClosed());
    assertThat(roundTrip(new NodeAgentServer.Resize(80, 24)))
        .isEqualTo(new NodeAgentServer.Resize(80, 24));
    var stdin = (NodeAgentServer.Stdin) roundTrip(new NodeAgentServer.Stdin(bytes("ls\n")));
    assertThat(new String(stdin.bytes(), StandardCharsets.UTF_8)).isEqualTo("ls\n");
  }

  @Test
  @Order(2)
  void aLogLargerThanARemotingFrameArrivesWholeWithItsOptions() throws Exception {
    String big = "x".repeat(99) + "\n";
    String log = big.repeat(5000); // 500 KB, twice Artery's largest frame
    agent.logs.put("big", ByteString.fromString(log));
    LogOptions options =
        new LogOptions(
            "c",
            false,
            false,
            Optional.of(Instant.parse("2024-05-01T10:00:00Z")),
            true,
            OptionalLong.of(5000),
            OptionalLong.empty());
    Source<ByteString, NotUsed> source =
        get(remote.podStreams(NODE).logs("default", "big", options));
    assertThat(read(source)).isEqualTo(log);
    assertThat(agent.logOptions).contains(options);
  }

  @Test
  @Order(3)
  void aFollowedLogStreamsNewLinesAndStopsOnTheAgentWhenTheReaderGoesAway() throws Exception {
    Source<ByteString, NotUsed> source =
        get(remote.podStreams(NODE).logs("default", "follow", LogOptions.of("c")));
    CompletionStage<List<ByteString>> firstTwo = source.take(2).runWith(Sink.seq(), mat);
    await("the agent's follower to start", () -> agent.follower.isDone());
    agent.follower.get().offer(ByteString.fromString("one\n"));
    agent.follower.get().offer(ByteString.fromString("two\n"));
    assertThat(get(firstTwo)).extracting(ByteString::utf8String).containsExactly("one\n", "two\n");
    await("the agent's log stream to end", () -> agent.followEnded.isDone());
  }

  @Test
  @Order(4)
  void anAgentsRefusalIsTheSameStatus() {
    assertThatThrownBy(
            () -> get(remote.podStreams(NODE).logs("default", "waiting", LogOptions.of("c"))))
        .hasCauseInstanceOf(ApiException.class)
        .cause()
        .satisfies(
            e -> assertThat(((ApiException) e).status()).isEqualTo(ScriptedAgent.WAITING.status()));
    assertThatThrownBy(
            () ->
                get(
                    remote
                        .podStreams(NODE)
                        .exec(
                            "default",
                            "gone",
                            new ExecOptions("c", List.of("sh"), false, true, true, false))))
        .cause()
        .satisfies(
            e ->
                assertThat(((ApiException) e).status())
                    .isEqualTo(ScriptedAgent.NO_CONTAINER.status()));
  }

  @Test
  @Order(5)
  void execCarriesStdinResizesOutputAndTheExitCode() throws Exception {
    ExecSession session =
        get(
            remote
                .podStreams(NODE)
                .exec(
                    "default",
                    "shell",
                    new ExecOptions("c", List.of("sh"), true, true, true, true)));
    CompletionStage<String> stdout = session.stdout().runWith(utf8(), mat);
    CompletionStage<String> stderr = session.stderr().runWith(utf8(), mat);
    session.resize(120, 40);
    Source.from(List.of(ByteString.fromString("echo "), ByteString.fromString("hi\n")))
        .runWith(session.stdin(), mat);
    assertThat(get(stdout)).isEqualTo("got: echo hi\n");
    assertThat(get(stderr)).isEqualTo("warning\n");
    assertThat(get(session.exitCode())).isEqualTo(3);
    assertThat(agent.resizes).containsExactly(List.of(120, 40));
    session.terminate();
    await("the agent's session terminated", () -> agent.terminated.isDone());
  }

  @Test
  @Order(6)
  void theLocalAgentIsAskedWhenThisMemberRunsTheNode() throws Exception {
    NodeStreamsRouter router = new NodeStreamsRouter(storeWithPodOn(NODE), remote);
    agent.logs.put("p", ByteString.fromString("from node-b's member\n"));
    assertThat(read(get(router.logs("default", "p", LogOptions.of("")))))
        .isEqualTo("from node-b's member\n");
    assertThat(agent.logOptions.get(agent.logOptions.size() - 1).container())
        .as("the API member resolved the only container")
        .isEqualTo("c");
    router.register(
        NODE,
        new PodStreams() {
          @Override
          public CompletionStage<Source<ByteString, NotUsed>> logs(
              String namespace, String pod, LogOptions options) {
            return CompletableFuture.completedFuture(
                Source.single(ByteString.fromString("local\n")));
          }

          @Override
          public CompletionStage<ExecSession> exec(
              String namespace, String pod, ExecOptions options) {
            throw new UnsupportedOperationException();
          }
        });
    assertThat(read(get(router.logs("default", "p", LogOptions.of(""))))).isEqualTo("local\n");
  }

  @Test
  @Order(7)
  void aNodeWithoutAgentIsUnavailableAtOnce() {
    long started = System.nanoTime();
    assertThatThrownBy(() -> get(remote.summary("node-without-agent")))
        .cause()
        .satisfies(
            e -> {
              ApiStatus status = ((ApiException) e).status();
              assertThat(status.code()).isEqualTo(503);
              assertThat(status.message())
                  .isEqualTo(
                      "no node agent of node node-without-agent is reachable from this member");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  @Order(8)
  void anAgentWhoseMemberLeftIsUnavailableNotAHang() throws Exception {
    Source<ByteString, NotUsed> following =
        get(remote.podStreams(NODE).logs("default", "follow", LogOptions.of("c")));
    CompletionStage<List<ByteString>> followed = following.runWith(Sink.seq(), mat);
    worker.shutdownTestKit();
    await(
        "node-b's summary to be a 503",
        () -> {
          try {
            get(remote.summary(NODE));
            return false;
          } catch (Exception e) {
            return e.getCause() instanceof ApiException a && a.status().code() == 503;
          }
        });
    await("the followed log to end", () -> followed.toCompletableFuture().isDone());
  }

  // ---------------------------------------------------------------- the scripted agent

  private static final NodeSummaries.Sample SAMPLE =
      new NodeSummaries.Sample(
          new Summary(
              new Summary.NodeStats(
                  NODE,
                  "2024-05-01T09:00:00Z",
                  new Summary.CpuStats("2024-05-01T10:00:00Z", 1500L, 3_000_000_000L),
                  new Summary.MemoryStats("2024-05-01T10:00:00Z", 1L, 2L, 3L, 4L)),
              List.of(
                  new Summary.PodStats(
                      new Summary.PodReference("p", "default", "uid-1"),
                      "2024-05-01T09:30:00Z",
                      List.of(
                          new Summary.ContainerStats(
                              "c",
                              "2024-05-01T09:30:01Z",
                              new Summary.CpuStats("2024-05-01T10:00:00Z", null, 7L),
                              new Summary.MemoryStats("2024-05-01T10:00:00Z", null, 8L, 9L, null))),
                      new Summary.CpuStats("2024-05-01T10:00:00Z", null, 7L),
                      new Summary.MemoryStats("2024-05-01T10:00:00Z", null, 8L, 9L, null)))),
          Duration.ofMillis(1500));

  /**
   * node-b's agent: logs by pod name ("follow" streams what the test offers, "waiting" is the
   * kubelet's 400), exec "shell" answers its stdin on stdout once stdin closes, exits 3.
   */
  private static final class ScriptedAgent implements PodStreams {

    static final ApiException WAITING =
        ApiStatus.badRequest(
                "container \"c\" in pod \"waiting\" is waiting to start: ContainerCreating")
            .exception();
    static final ApiException NO_CONTAINER =
        ApiStatus.badRequest("container not found (\"c\")").exception();

    final java.util.Map<String, ByteString> logs = new java.util.concurrent.ConcurrentHashMap<>();
    final List<LogOptions> logOptions = new CopyOnWriteArrayList<>();
    final CompletableFuture<SourceQueueWithComplete<ByteString>> follower =
        new CompletableFuture<>();
    final CompletableFuture<Void> followEnded = new CompletableFuture<>();
    final List<List<Integer>> resizes = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> terminated = new CompletableFuture<>();

    @Override
    public CompletionStage<Source<ByteString, NotUsed>> logs(
        String namespace, String pod, LogOptions options) {
      logOptions.add(options);
      return switch (pod) {
        case "waiting" -> CompletableFuture.failedFuture(WAITING);
        case "follow" ->
            CompletableFuture.completedFuture(
                Source.<ByteString>queue(16, OverflowStrategy.backpressure())
                    .mapMaterializedValue(
                        q -> {
                          follower.complete(q);
                          return NotUsed.getInstance();
                        })
                    .watchTermination(
                        (m, done) -> {
                          done.whenComplete((d, f) -> followEnded.complete(null));
                          return m;
                        }));
        default -> CompletableFuture.completedFuture(Source.single(logs.get(pod)));
      };
    }

    @Override
    public CompletionStage<ExecSession> exec(String namespace, String pod, ExecOptions options) {
      if (!pod.equals("shell")) {
        return CompletableFuture.failedFuture(NO_CONTAINER);
      }
      CompletableFuture<ByteString> stdin = new CompletableFuture<>();
      return CompletableFuture.completedFuture(
          new ExecSession() {
            @Override
            public Sink<ByteString, NotUsed> stdin() {
              return Sink.<ByteString, ByteString>fold(
                      ByteString.emptyByteString(), ByteString::concat)
                  .mapMaterializedValue(
                      all -> {
                        all.thenAccept(stdin::complete);
                        return NotUsed.getInstance();
                      });
            }

            @Override
            public Source<ByteString, NotUsed> stdout() {
              return Source.completionStage(stdin)
                  .map(in -> ByteString.fromString("got: ").concat(in));
            }

            @Override
            public Source<ByteString, NotUsed> stderr() {
              return Source.single(ByteString.fromString("warning\n"));
            }

            @Override
            public void resize(int width, int height) {
              resizes.add(List.of(width, height));
            }

            @Override
            public CompletionStage<Integer> exitCode() {
              return stdin.thenApply(in -> 3);
            }

            @Override
            public void terminate() {
              terminated.complete(null);
            }
          });
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A store that knows one pod, "p"-like for any name: container c, bound to {@code node}. */
  private static ObjectStore storeWithPodOn(String node) {
    return (ObjectStore)
        Proxy.newProxyInstance(
            ObjectStore.class.getClassLoader(),
            new Class<?>[] {ObjectStore.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("get")) {
                throw new UnsupportedOperationException(method.getName());
              }
              ObjectNode pod = Json.MAPPER.createObjectNode();
              pod.put("apiVersion", "v1").put("kind", "Pod");
              Json.meta(pod).put("name", (String) args[2]).put("namespace", (String) args[1]);
              ObjectNode spec = pod.putObject("spec");
              spec.put("nodeName", node);
              spec.putArray("containers").addObject().put("name", "c");
              return CompletableFuture.completedFuture(StoredObject.of(pod, 1));
            });
  }

  private static Object roundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(api.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    assertThat(serializer.getClass().getSimpleName()).isEqualTo("JacksonCborSerializer");
    byte[] bytes = serialization.serialize(message).get();
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
        .get();
  }

  private static Sink<ByteString, CompletionStage<String>> utf8() {
    return Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat)
        .mapMaterializedValue(all -> all.thenApply(ByteString::utf8String));
  }

  private static String read(Source<ByteString, NotUsed> source) throws Exception {
    return get(source.toMat(utf8(), Keep.right()).run(mat));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(AWAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static boolean succeeds(CompletionStage<?> stage) {
    try {
      get(stage);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    io.akkube.cluster.e2e.Await.until(AWAIT, what, condition);
  }
}
