package io.akkube.cluster.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.akkube.cluster.AkkubeServer;
import io.akkube.cluster.ApiTls;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.WriteOptions;
import io.akkube.persistence.JournalSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The akkube the benchmarks measure, run as a child process: what {@code akkube up} starts, with
 * the embedded node agent off (a benchmark must not start real containers) and the local Node
 * tainted so the scheduler keeps pods off it; hollow nodes on request. Arguments: data directory
 * (holding {@code token}), API port, hollow node count.
 */
public final class BenchServer {

  static final String LOCAL_NODE = "bench-local";

  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    io.akkube.cluster.Main.useCommonPoolForAsyncStages();
    Path dataDir = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    int hollowNodes = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    String token = Files.readString(dataDir.resolve("token")).trim();
    Config config =
        ConfigFactory.empty()
            .withValue("akkube.data-dir", ConfigValueFactory.fromAnyRef(dataDir.toString()))
            .withValue("akkube.api.bind", ConfigValueFactory.fromAnyRef("127.0.0.1"))
            .withValue("akkube.api.port", ConfigValueFactory.fromAnyRef(port))
            .withValue("akkube.node.enabled", ConfigValueFactory.fromAnyRef(false))
            .withValue("akkube.hollow-nodes.count", ConfigValueFactory.fromAnyRef(hollowNodes))
            .withValue("akka.loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
            .withFallback(JournalSetup.h2(dataDir))
            .withFallback(ConfigFactory.parseResources("akkube.conf"))
            .withFallback(ConfigFactory.load())
            .resolve();
    ApiTls tls = ApiTls.ensure(dataDir, Set.of("127.0.0.1"), Set.of("localhost"));
    AkkubeServer server = AkkubeServer.start(config, token, LOCAL_NODE, tls.serverContext());
    server
        .store()
        .patch(
            ResourceTypes.NODES,
            null,
            LOCAL_NODE,
            PatchType.MERGE_PATCH,
            ("{\"spec\":{\"taints\":[{\"key\":\"node-role.kubernetes.io/control-plane\","
                    + "\"effect\":\"NoSchedule\"}]}}")
                .getBytes(StandardCharsets.UTF_8),
            null,
            WriteOptions.DEFAULT)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    System.out.println(
        "akkube bench server ready on port "
            + server.apiPort()
            + ", common pool parallelism "
            + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    System.out.flush();
    server.system().getWhenTerminated().toCompletableFuture().get();
  }
}
