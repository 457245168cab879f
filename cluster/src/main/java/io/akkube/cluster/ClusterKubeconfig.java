package io.akkube.cluster;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.MemberStatus;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import io.akkube.core.CborSerializable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps this control-plane member's kubeconfig listing every control-plane member's API server
 * (issue 7: "any control-plane member serves the API; the kubeconfig written by the first lists
 * it"). Each member publishes its URL and certificate in a replicated map (Distributed Data, in
 * memory, no journal writes) and rewrites its kubeconfig whenever the map or the membership
 * changes; members that left are no longer listed. See docs/decisions/0015.
 */
final class ClusterKubeconfig {

  /** One member's API server as published: its cluster address, URL and certificate (PEM). */
  record ApiServer(String memberAddress, String url, String caPem) implements CborSerializable {}

  private static final Key<LWWMap<String, ApiServer>> KEY = LWWMapKey.create("akkube-api-servers");

  private sealed interface Command {}

  private record Published(Replicator.UpdateResponse<LWWMap<String, ApiServer>> response)
      implements Command {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, ApiServer>> response)
      implements Command {}

  private record MembershipChanged(ClusterEvent.MemberEvent event) implements Command {}

  private ClusterKubeconfig() {}

  static Behavior<?> create(Path file, Kubeconfig.Server self, String token) {
    return Behaviors.<Command>setup(
        ctx ->
            DistributedData.withReplicatorMessageAdapter(
                (ReplicatorMessageAdapter<Command, LWWMap<String, ApiServer>> replicator) -> {
                  Cluster cluster = Cluster.get(ctx.getSystem());
                  SelfUniqueAddress node = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
                  ApiServer published =
                      new ApiServer(
                          cluster.selfMember().address().toString(), self.url(), self.caPem());
                  replicator.askUpdate(
                      reply ->
                          new Replicator.Update<>(
                              KEY,
                              LWWMap.empty(),
                              Replicator.writeLocal(),
                              reply,
                              map -> map.put(node, self.node(), published)),
                      Published::new);
                  replicator.subscribe(KEY, Changed::new);
                  cluster
                      .subscriptions()
                      .tell(
                          Subscribe.create(
                              ctx.messageAdapter(
                                  ClusterEvent.MemberEvent.class, MembershipChanged::new),
                              ClusterEvent.MemberEvent.class));
                  return running(ctx, file, self, token, Map.of(), List.of());
                }));
  }

  private static Behavior<Command> running(
      ActorContext<Command> ctx,
      Path file,
      Kubeconfig.Server self,
      String token,
      Map<String, ApiServer> servers,
      List<Kubeconfig.Server> written) {
    return Behaviors.receive(Command.class)
        .onMessage(
            Changed.class,
            c -> {
              if (c.response() instanceof Replicator.Changed<LWWMap<String, ApiServer>> changed) {
                Map<String, ApiServer> now = changed.get(KEY).getEntries();
                return running(
                    ctx, file, self, token, now, rewrite(ctx, file, self, token, now, written));
              }
              return Behaviors.same();
            })
        .onMessage(
            MembershipChanged.class,
            m ->
                running(
                    ctx,
                    file,
                    self,
                    token,
                    servers,
                    rewrite(ctx, file, self, token, servers, written)))
        .onMessage(Published.class, p -> Behaviors.same())
        .build();
  }

  /** Writes the kubeconfig if the listed members changed; the list as written. */
  private static List<Kubeconfig.Server> rewrite(
      ActorContext<Command> ctx,
      Path file,
      Kubeconfig.Server self,
      String token,
      Map<String, ApiServer> servers,
      List<Kubeconfig.Server> written) {
    Set<String> up = new HashSet<>();
    for (akka.cluster.Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
      if (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) {
        up.add(m.address().toString());
      }
    }
    List<Kubeconfig.Server> listed = new ArrayList<>(List.of(self));
    for (var e : servers.entrySet()) {
      if (!e.getKey().equals(self.node()) && up.contains(e.getValue().memberAddress())) {
        listed.add(new Kubeconfig.Server(e.getKey(), e.getValue().url(), e.getValue().caPem()));
      }
    }
    listed.sort(Comparator.comparing(Kubeconfig.Server::node));
    if (listed.equals(written)) {
      return written;
    }
    try {
      Kubeconfig.write(file, self, listed, token);
      ctx.getLog()
          .info(
              "kubeconfig {} lists {}",
              file,
              listed.stream().map(Kubeconfig.Server::node).toList());
    } catch (IOException e) {
      ctx.getLog().warn("could not write the kubeconfig {}: {}", file, e.toString());
      return written;
    }
    return listed;
  }
}
