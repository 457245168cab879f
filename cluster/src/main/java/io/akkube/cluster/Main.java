package io.akkube.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.akkube.persistence.JournalSetup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code akkube} command line. */
@Command(
    name = "akkube",
    mixinStandardHelpOptions = true,
    description = "A container orchestrator that speaks the Kubernetes API.",
    subcommands = {
      Main.Up.class,
      io.akkube.cluster.bench.BenchCommand.class,
      io.akkube.cluster.cassandra.CassandraCommand.class,
      io.akkube.cluster.cassandra.MigrateCommand.class
    })
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    useCommonPoolForAsyncStages();
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 0;
  }

  /**
   * Below 3 cores the JDK's common pool has parallelism 1, and CompletableFuture then runs every
   * async stage on a new thread. Akka's stages (asks, streams) are Scala CompletableFutures whose
   * thenApply is thenApplyAsync, so on 2 cores each API request started several threads
   * (docs/PERFORMANCE.md, api-create profile). The object store and the API now continue on the
   * actor system's dispatcher (store.Answers); this still covers other code that chains on Akka's
   * stages. Must run before anything touches the common pool.
   */
  public static void useCommonPoolForAsyncStages() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null) {
      int cores = Runtime.getRuntime().availableProcessors();
      System.setProperty(key, Integer.toString(Math.max(2, cores - 1)));
    }
  }

  /** {@code akkube up}: one member, by default the embedded single-node control plane + worker. */
  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Start akkube (embedded single node by default).")
  static final class Up implements Callable<Integer> {

    @Option(
        names = "--data-dir",
        description = "Journal, kubeconfig and node state (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(".akkube");

    @Option(
        names = "--bind",
        description = "Address the API listens on (default: ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--api-port", description = "API port (default: ${DEFAULT-VALUE}).")
    int apiPort = 6443;

    @Option(
        names = "--node-name",
        description = "Name of this machine's Node (default: the host name).")
    String nodeName;

    // --- static pods (issue 3) ---
    @Option(
        names = "--pod-manifest-path",
        description = "Directory of static pod manifests this node runs (default: none).")
    Path podManifestPath;

    // --- end static pods ---

    // --- services (issue 6) ---
    @Option(
        names = "--service-cidr",
        description = "Range cluster IPs of services come from (default: ${DEFAULT-VALUE}).")
    String serviceCidr = "10.96.0.0/12";

    @Option(
        names = "--service-node-port-range",
        description = "Node ports of NodePort services (default: ${DEFAULT-VALUE}).")
    String serviceNodePortRange = "30000-32767";

    // --- end services ---

    // --- container runtime (issue 8) ---
    @Option(
        names = "--runtime",
        description =
            "What runs this node's pods: auto (a container engine if its socket answers, else"
                + " process), docker-api or process (default: akkube.node.runtime, process).")
    String runtime;

    @Option(
        names = "--pod-cidr",
        description =
            "Range inside 127.0.0.0/8 the docker-api runtime gives each pod an address of its own"
                + " from (default: akkube.node.pod-cidr; empty = 127.244.<last octet of --bind>.0/24"
                + " when --bind is on loopback, else pods use the node address).")
    String podCidr;

    // --- end container runtime ---

    // --- hollow nodes (issue 4) ---
    @Option(
        names = "--hollow-nodes",
        description = "Simulated nodes to add in this JVM (fake runtime; default: none).")
    int hollowNodes;

    @Option(
        names = "--hollow-node-cpu",
        description = "CPU capacity of each hollow node (default: ${DEFAULT-VALUE}).")
    String hollowNodeCpu = "4";

    @Option(
        names = "--hollow-node-memory",
        description = "Memory capacity of each hollow node (default: ${DEFAULT-VALUE}).")
    String hollowNodeMemory = "16Gi";

    @Option(
        names = "--hollow-node-pods",
        description = "Pod capacity of each hollow node (default: ${DEFAULT-VALUE}).")
    int hollowNodePods = 110;

    @Option(
        names = "--hollow-node-first-address",
        description =
            "Give hollow node i the IPv4 address FIRST+i, with a proxy serving its NodePorts there"
                + " (default: they report this member's address and run no proxy).")
    String hollowNodeFirstAddress = "";

    // --- end hollow nodes ---

    // --- cluster journal and roles (issue 7) ---
    @Option(
        names = "--journal",
        description = "h2 (embedded file database) or cassandra (default: ${DEFAULT-VALUE}).")
    String journal = "h2";

    @picocli.CommandLine.Mixin io.akkube.cluster.cassandra.CassandraJournalOptions cassandra;

    @Option(
        names = "--roles",
        split = ",",
        description = "control-plane, worker or both (default: control-plane,worker).")
    List<String> roles = List.of("control-plane", "worker");

    @Option(
        names = "--node-address",
        description =
            "Address (host[:port], port 2552 by default) other members reach this one at.")
    String nodeAddress;

    @Option(
        names = "--seed-nodes",
        split = ",",
        description = "Members to join, host[:port] (default: none, this member starts a cluster).")
    List<String> seedNodes = List.of();

    /** H2 under the data directory, or Cassandra (schema prepared before the system starts). */
    private Config journalConfig() {
      return switch (journal) {
        case "h2" -> JournalSetup.h2(dataDir);
        case "cassandra" -> {
          var settings = cassandra.settings();
          String firstTimeBucket =
              io.akkube.persistence.CassandraSchema.prepare(settings, java.time.Clock.systemUTC());
          yield JournalSetup.cassandra(settings, firstTimeBucket);
        }
        default ->
            throw new IllegalArgumentException(
                "--journal: unsupported value \"" + journal + "\": h2 or cassandra");
      };
    }

    /** Roles, remoting address and seed nodes (DESIGN.md §9). */
    private Config memberConfig() {
      for (String role : roles) {
        if (!role.equals("control-plane") && !role.equals("worker")) {
          throw new IllegalArgumentException(
              "--roles: unsupported value \"" + role + "\": control-plane, worker or both");
        }
      }
      Config member =
          ConfigFactory.empty()
              .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(roles))
              .withValue(
                  "akka.cluster.seed-nodes",
                  ConfigValueFactory.fromIterable(
                      seedNodes.stream().map(seed -> "akka://akkube@" + withPort(seed)).toList()))
              // the node agent runs on workers only
              .withValue(
                  "akkube.node.enabled", ConfigValueFactory.fromAnyRef(roles.contains("worker")));
      if (nodeAddress != null) {
        String[] hostPort = withPort(nodeAddress).split(":");
        member =
            member
                .withValue(
                    "akka.remote.artery.canonical.hostname",
                    ConfigValueFactory.fromAnyRef(hostPort[0]))
                .withValue(
                    "akka.remote.artery.canonical.port",
                    ConfigValueFactory.fromAnyRef(Integer.parseInt(hostPort[1])));
      }
      return member;
    }

    private static String withPort(String hostPort) {
      String s = hostPort.trim();
      if (!s.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
        throw new IllegalArgumentException(
            "invalid address \"" + hostPort + "\": expected host or host:port");
      }
      return s.contains(":") ? s : s + ":2552";
    }

    // --- end cluster journal and roles ---

    @Override
    public Integer call() throws Exception {
      Files.createDirectories(dataDir);
      String node = nodeName != null ? nodeName : hostName();
      Config config =
          ConfigFactory.empty()
              .withValue(
                  "akkube.node.pod-manifest-path",
                  ConfigValueFactory.fromAnyRef(
                      podManifestPath == null ? "" : podManifestPath.toAbsolutePath().toString()))
              .withValue(
                  "akkube.data-dir",
                  ConfigValueFactory.fromAnyRef(dataDir.toAbsolutePath().toString()))
              .withValue(
                  "akkube.services.cluster-ip-range", ConfigValueFactory.fromAnyRef(serviceCidr))
              .withValue(
                  "akkube.services.node-port-range",
                  ConfigValueFactory.fromAnyRef(serviceNodePortRange))
              .withValue("akkube.api.bind", ConfigValueFactory.fromAnyRef(bind))
              .withFallback(
                  runtime == null
                      ? ConfigFactory.empty()
                      : ConfigFactory.empty()
                          .withValue("akkube.node.runtime", ConfigValueFactory.fromAnyRef(runtime)))
              .withFallback(
                  podCidr == null
                      ? ConfigFactory.empty()
                      : ConfigFactory.empty()
                          .withValue(
                              "akkube.node.pod-cidr", ConfigValueFactory.fromAnyRef(podCidr)))
              .withValue("akkube.api.port", ConfigValueFactory.fromAnyRef(apiPort))
              .withValue(
                  "akkube.hollow-nodes",
                  ConfigValueFactory.fromMap(
                      java.util.Map.of(
                          "count", hollowNodes,
                          "cpu", hollowNodeCpu,
                          "memory", hollowNodeMemory,
                          "pods", Integer.toString(hollowNodePods),
                          "first-address", hollowNodeFirstAddress)))
              .withFallback(memberConfig())
              .withFallback(journalConfig())
              .withFallback(ConfigFactory.parseResources("akkube.conf"))
              .withFallback(ConfigFactory.load())
              .resolve();
      String token = token(dataDir);
      ApiTls tls =
          ApiTls.ensure(
              dataDir,
              new java.util.LinkedHashSet<>(List.of("127.0.0.1", hostForUrl(bind))),
              java.util.Set.of("localhost", node));
      AkkubeServer server = AkkubeServer.start(config, token, node, tls.serverContext());
      if (roles.contains("control-plane")) { // a worker serves no API (issue 7)
        String url = "https://" + hostForUrl(bind) + ":" + server.apiPort();
        Path kubeconfig = dataDir.toAbsolutePath().resolve("kubeconfig");
        Kubeconfig.Server self = new Kubeconfig.Server(node, url, tls.certificatePem());
        Kubeconfig.write(kubeconfig, self, List.of(self), token);
        // then kept listing every control-plane member as they come and go
        server
            .system()
            .systemActorOf(
                ClusterKubeconfig.create(kubeconfig, self, token),
                "cluster-kubeconfig",
                akka.actor.typed.Props.empty());
        System.out.println("export KUBECONFIG=" + kubeconfig);
        awaitReady(url, tls);
      }
      System.out.println("akkube is ready");
      System.out.flush();
      server.system().getWhenTerminated().toCompletableFuture().get();
      return 0;
    }

    private static void awaitReady(String url, ApiTls tls) throws Exception {
      HttpClient client =
          HttpClient.newBuilder()
              .sslContext(tls.clientContext())
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      // Ready once every kind's list is served: after a restart on a large journal, the revision
      // logs rebuild first (about 10 s per 100 000 objects on 2 cores).
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (true) {
        try {
          HttpResponse<String> r =
              client.send(
                  HttpRequest.newBuilder(URI.create(url + "/readyz")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not yet
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("/readyz did not answer 200 within 10 minutes");
        }
        Thread.sleep(100);
      }
    }

    private static String hostForUrl(String bind) {
      return bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
    }

    private static String hostName() {
      try {
        return InetAddress.getLocalHost().getHostName().toLowerCase();
      } catch (IOException e) {
        return "akkube";
      }
    }

    /**
     * The API bearer token, kept in the data directory's {@code token} file. Embedded: generated
     * once per data directory. On Cassandra: the cluster's, shared by every member (the first
     * member's proposal, kept in the keyspace), so one kubeconfig user works on any member.
     */
    private String token(Path dataDir) throws IOException {
      Path file = dataDir.resolve("token");
      String token;
      if (journal.equals("cassandra")) {
        token =
            io.akkube.persistence.CassandraSchema.sharedValue(
                cassandra.settings(), "api-token", Up::newToken);
      } else if (Files.exists(file)) {
        return Files.readString(file).trim();
      } else {
        token = newToken();
      }
      Files.writeString(file, token + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      return token;
    }

    private static String newToken() {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    }
  }
}
