package io.akkube.core.scheduling;

import static io.akkube.core.scheduling.Fixtures.filter;
import static io.akkube.core.scheduling.Fixtures.node;
import static io.akkube.core.scheduling.Fixtures.pod;
import static io.akkube.core.scheduling.Fixtures.scores;
import static org.assertj.core.api.Assertions.assertThat;

import io.akkube.core.scheduling.model.ClusterSnapshot;
import io.akkube.core.scheduling.model.NodeInfo;
import io.akkube.core.scheduling.model.PodInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterPodAffinityTest {

  private final InterPodAffinity plugin = new InterPodAffinity();

  private static final NodeInfo A1 =
      node("metadata: {name: a1, labels: {zone: a, kubernetes.io/hostname: a1}}");
  private static final NodeInfo A2 =
      node("metadata: {name: a2, labels: {zone: a, kubernetes.io/hostname: a2}}");
  private static final NodeInfo B1 =
      node("metadata: {name: b1, labels: {zone: b, kubernetes.io/hostname: b1}}");
  private static final NodeInfo NOZONE =
      node("metadata: {name: x1, labels: {kubernetes.io/hostname: x1}}");

  private static PodInfo labelled(String name, String namespace, String app) {
    return pod(
        "{metadata: {name: %s, uid: %s, namespace: %s, labels: {app: %s}}}"
            .formatted(name, name, namespace, app));
  }

  /** A pod of app {@code app} with one (anti-)affinity term of the given kind. */
  private static PodInfo withTerm(String app, String kind, String when, String term) {
    return pod(
        """
        metadata: {name: %s-new, uid: %s-new, namespace: default, labels: {app: %s}}
        spec:
          affinity:
            %s:
              %s: [%s]
        """
            .formatted(app, app, app, kind, when, term));
  }

  private static final String REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";
  private static final String PREFERRED = "preferredDuringSchedulingIgnoredDuringExecution";

  private static ClusterSnapshot cluster(NodeInfo... nodes) {
    return new ClusterSnapshot(
        List.of(nodes), Map.of("team-a", Map.of("team", "a"), "default", Map.of()));
  }

  @Test
  void requiredAffinityNeedsAMatchingPodInTheSameDomain() {
    NodeInfo a1 = A1.withPod(labelled("db", "default", "db"));
    ClusterSnapshot snap = cluster(a1, A2, B1, NOZONE);
    PodInfo web =
        withTerm(
            "web",
            "podAffinity",
            REQUIRED,
            "{labelSelector: {matchLabels: {app: db}}, topologyKey: zone}");
    assertThat(filter(plugin, web, a1, snap).isSuccess()).isTrue();
    assertThat(filter(plugin, web, A2, snap).isSuccess()).isTrue();
    Status b = filter(plugin, web, B1, snap);
    assertThat(b.code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(b.reasons()).containsExactly("node(s) didn't match pod affinity rules");
    assertThat(filter(plugin, web, NOZONE, snap).isSuccess()).isFalse();
  }

  @Test
  void theFirstPodOfASelfAffineGroupMayGoAnywhereWithTheTopologyKey() {
    PodInfo first =
        withTerm(
            "cache",
            "podAffinity",
            REQUIRED,
            "{labelSelector: {matchLabels: {app: cache}}, topologyKey: zone}");
    ClusterSnapshot empty = cluster(A1, B1, NOZONE);
    assertThat(filter(plugin, first, A1, empty).isSuccess()).isTrue();
    assertThat(filter(plugin, first, NOZONE, empty).isSuccess()).isFalse();
    // Not if it does not match its own selector.
    PodInfo other =
        withTerm(
            "web",
            "podAffinity",
            REQUIRED,
            "{labelSelector: {matchLabels: {app: cache}}, topologyKey: zone}");
    assertThat(filter(plugin, other, A1, empty).isSuccess()).isFalse();
  }

  @Test
  void requiredAntiAffinityKeepsOnePerDomain() {
    String term = "{labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}";
    NodeInfo a1 = A1.withPod(withTerm("web", "podAntiAffinity", REQUIRED, term));
    ClusterSnapshot snap = cluster(a1, A2);
    PodInfo second = withTerm("web", "podAntiAffinity", REQUIRED, term);
    Status s = filter(plugin, second, a1, snap);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(s.reasons()).containsExactly("node(s) didn't match pod anti-affinity rules");
    assertThat(filter(plugin, second, A2, snap).isSuccess()).isTrue();
  }

  @Test
  void existingPodsAntiAffinityIsSymmetric() {
    // The existing pod refuses app=web in its zone; the incoming web pod has no rules itself.
    NodeInfo a1 =
        A1.withPod(
            withTerm(
                "batch",
                "podAntiAffinity",
                REQUIRED,
                "{labelSelector: {matchLabels: {app: web}}, topologyKey: zone}"));
    ClusterSnapshot snap = cluster(a1, A2, B1);
    PodInfo web = labelled("web", "default", "web");
    Status s = filter(plugin, web, A2, snap);
    assertThat(s.code()).isEqualTo(Status.Code.UNSCHEDULABLE);
    assertThat(s.reasons())
        .containsExactly("node(s) didn't satisfy existing pods anti-affinity rules");
    assertThat(filter(plugin, web, B1, snap).isSuccess()).isTrue();
    assertThat(filter(plugin, labelled("api", "default", "api"), A2, snap).isSuccess()).isTrue();
  }

  @Test
  void termsSelectPodsOfTheirOwnNamespaceUnlessNamespacesOrASelectorAreGiven() {
    NodeInfo a1 = A1.withPod(labelled("db", "team-a", "db"));
    ClusterSnapshot snap = cluster(a1, B1);
    String selector = "labelSelector: {matchLabels: {app: db}}, topologyKey: zone";
    PodInfo sameNs = withTerm("web", "podAffinity", REQUIRED, "{" + selector + "}");
    // No db pod in default: the first-pod exception does not apply (web is not a db).
    assertThat(filter(plugin, sameNs, a1, snap).isSuccess()).isFalse();
    PodInfo listed =
        withTerm("web", "podAffinity", REQUIRED, "{" + selector + ", namespaces: [team-a]}");
    assertThat(filter(plugin, listed, a1, snap).isSuccess()).isTrue();
    assertThat(filter(plugin, listed, B1, snap).isSuccess()).isFalse();
    PodInfo bySelector =
        withTerm(
            "web",
            "podAffinity",
            REQUIRED,
            "{" + selector + ", namespaceSelector: {matchLabels: {team: a}}}");
    assertThat(filter(plugin, bySelector, a1, snap).isSuccess()).isTrue();
    PodInfo allNamespaces =
        withTerm("web", "podAffinity", REQUIRED, "{" + selector + ", namespaceSelector: {}}");
    assertThat(filter(plugin, allNamespaces, a1, snap).isSuccess()).isTrue();
  }

  @Test
  void podsWithoutRulesInAClusterWithoutAntiAffinitySkip() {
    assertThat(
            plugin
                .preFilter(
                    new CycleState(),
                    labelled("p", "default", "p"),
                    cluster(A1.withPod(labelled("q", "default", "q"))))
                .isSkip())
        .isTrue();
  }

  @Test
  void preferredTermsScoreDomainsAndNormalizeBetweenMinAndMax() {
    NodeInfo a1 = A1.withPod(labelled("db", "default", "db"));
    NodeInfo b1 = B1.withPod(labelled("noisy", "default", "noisy"));
    ClusterSnapshot snap = cluster(a1, A2, b1, NOZONE);
    PodInfo web =
        pod(
            """
            metadata: {name: web, uid: web, namespace: default, labels: {app: web}}
            spec:
              affinity:
                podAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 80
                    podAffinityTerm: {labelSelector: {matchLabels: {app: db}}, topologyKey: zone}
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 20
                    podAffinityTerm: {labelSelector: {matchLabels: {app: noisy}}, topologyKey: zone}
            """);
    // Raw: a1 80, a2 80, b1 -20, x1 0 -> (s - min) * 100 / (max - min).
    assertThat(scores(plugin, web, snap)).containsExactly(100, 100, 0, 20);
  }

  @Test
  void existingPodsPreferencesAndRequiredAffinityAlsoScore() {
    NodeInfo a1 =
        A1.withPod(
            withTerm(
                "db",
                "podAffinity",
                REQUIRED,
                "{labelSelector: {matchLabels: {app: web}}, topologyKey: zone}"));
    NodeInfo b1 =
        B1.withPod(
            withTerm(
                "batch",
                "podAntiAffinity",
                PREFERRED,
                "{weight: 5, podAffinityTerm: {labelSelector: {matchLabels: {app: web}}, topologyKey: zone}}"));
    ClusterSnapshot snap = cluster(a1, b1, NOZONE);
    // a1 +1 (hard affinity weight), b1 -5, x1 0.
    assertThat(scores(plugin, labelled("web", "default", "web"), snap)).containsExactly(100, 0, 83);
  }

  @Test
  void nothingToScoreSkips() {
    ClusterSnapshot snap = cluster(A1.withPod(labelled("db", "default", "db")), B1);
    assertThat(
            plugin
                .preScore(new CycleState(), labelled("web", "default", "web"), snap.nodes(), snap)
                .isSkip())
        .isTrue();
  }
}
