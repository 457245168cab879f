package io.akkube.cluster.watch;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.javadsl.Source;
import akka.stream.typed.javadsl.ActorSink;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.RevisionProtocol;
import io.akkube.core.object.RevisionProtocol.CacheUpdate;
import io.akkube.core.object.RevisionProtocol.Change;
import io.akkube.core.object.RevisionProtocol.Snapshot;
import io.akkube.core.object.RevisionProtocol.SnapshotPart;
import io.akkube.core.object.RevisionProtocol.Subscribe;
import io.akkube.core.selection.FieldSelector;
import io.akkube.core.selection.LabelSelector;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A member's watch cache of pods, fed by a probe standing in for the revision log (DESIGN.md §4):
 * consistent lists, paging at a fixed revision, and watches that deliver exactly the changes after
 * a revision as the client's selectors see them, or 410 Gone.
 */
class WatchCacheTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "WatchCacheTest",
          ConfigFactory.parseString(
              "akka.loglevel = WARNING\nakka.actor.testkit.typed.single-expect-default = 10s"));

  private static final ResourceType PODS = ResourceTypes.PODS;
  private static final long EPOCH = 1;
  private static final long R0 = RevisionProtocol.revision(EPOCH, 10);
  private static final Duration QUIET = Duration.ofMillis(200);
  private static final Duration NO_BOOKMARKS = Duration.ofHours(1);
  private static final String COMPLETED = "stream completed";
  private static final AtomicLong watchIds = new AtomicLong();

  private static final WatchFilter EVERYTHING =
      new WatchFilter(null, LabelSelector.everything(), FieldSelector.everything());

  private TestProbe<RevisionProtocol.Command> log;
  private TestProbe<Object> replies;

  @BeforeEach
  void setUp() {
    log = testKit.createTestProbe(RevisionProtocol.Command.class);
    replies = testKit.createTestProbe(Object.class);
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  // ---------------------------------------------------------------- lists

  @Test
  void aListWaitsUntilTheCacheHasReachedTheRequestedRevision() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();

    // Before the first snapshot nothing can be answered.
    cache.tell(list(EVERYTHING, 0, 0));
    replies.expectNoMessage(QUIET);
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("a");

    cache.tell(list(EVERYTHING, R0 + 1, 0));
    replies.expectNoMessage(QUIET);
    feed.tell(added(R0, pod("default", "b", R0 + 1, "web", "")));
    ListResult result = replies.expectMessageClass(ListResult.class);
    assertThat(result.revision()).isEqualTo(R0 + 1);
    assertThat(names(result)).containsExactly("a", "b");
    assertThat(result.continueToken()).isNull();
  }

  @Test
  void listsSelectByNamespaceLabelsAndFields() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    subscribed()
        .tell(
            new Snapshot(
                EPOCH,
                R0,
                List.of(
                    pod("default", "a", R0 - 4, "web", "node-1"),
                    pod("default", "b", R0 - 3, "db", "node-1"),
                    pod("default", "c", R0 - 2, "web", ""),
                    pod("other", "d", R0 - 1, "web", "node-1"))));

    cache.tell(list(filter(null, "app=web", ""), 0, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("a", "c", "d");
    cache.tell(list(filter(null, "", "spec.nodeName=node-1"), 0, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("a", "b", "d");
    cache.tell(list(filter("default", "app=web", "spec.nodeName=node-1"), 0, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("a");
    cache.tell(list(filter("default", "app in (web,db)", "spec.nodeName!=node-1"), 0, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("c");
    cache.tell(list(filter("other", "", ""), 0, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("d");
  }

  @Test
  void pagesAfterTheFirstShowTheObjectsAsTheyWereAtTheFirstPagesRevision() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(
        new Snapshot(
            EPOCH,
            R0,
            List.of(
                pod("default", "a", R0 - 5, "web", ""),
                pod("default", "b", R0 - 4, "web", ""),
                pod("default", "c", R0 - 3, "web", ""),
                pod("default", "d", R0 - 2, "web", ""),
                pod("default", "e", R0 - 1, "web", ""))));

    cache.tell(list(EVERYTHING, 0, 2));
    ListResult first = replies.expectMessageClass(ListResult.class);
    assertThat(names(first)).containsExactly("a", "b");
    assertThat(first.revision()).isEqualTo(R0);
    assertThat(first.continueToken()).isNotNull();

    // Changes after the first page: c relabelled, d deleted, bb added (sorts between b and c),
    // a deleted (before the continue key).
    feed.tell(modified(R0, pod("default", "c", R0 + 1, "db", "")));
    feed.tell(deleted(R0 + 1, pod("default", "d", R0 + 2, "web", "")));
    feed.tell(added(R0 + 2, pod("default", "bb", R0 + 3, "web", "")));
    feed.tell(deleted(R0 + 3, pod("default", "a", R0 + 4, "web", "")));

    ListResult second = next(cache, EVERYTHING, first, 2);
    assertThat(second.revision()).isEqualTo(R0);
    assertThat(names(second)).containsExactly("c", "d");
    assertThat(second.items().get(0).object().at("/metadata/labels/app").asText()).isEqualTo("web");
    assertThat(second.items().get(0).revision()).isEqualTo(R0 - 3);
    ListResult third = next(cache, EVERYTHING, second, 2);
    assertThat(names(third)).containsExactly("e");
    assertThat(third.continueToken()).isNull();

    // The same paging through a selector sees the old labels too.
    WatchFilter web = filter("default", "app=web", "");
    cache.tell(list(web, 0, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("b", "bb", "e");
    ListResult webSecond = next(cache, web, first, 10);
    assertThat(names(webSecond)).containsExactly("c", "d", "e");

    // A fresh list sees the present.
    cache.tell(list(EVERYTHING, 0, 0));
    ListResult now = replies.expectMessageClass(ListResult.class);
    assertThat(now.revision()).isEqualTo(R0 + 4);
    assertThat(names(now)).containsExactly("b", "bb", "c", "e");
  }

  /**
   * Paging across API members: the first page came from a member whose cache was at R0 + 1; this
   * member's cache is still at R0. The next page must show the objects as they were at R0 + 1
   * (waiting for the cache to get there), not this cache's older state under the token's revision.
   * ShardedObjectStore asks with minRevision 0 when a continue token is given.
   */
  @Test
  void aContinuePageWaitsForACacheThatIsBehindTheTokensRevision() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(
        new Snapshot(
            EPOCH,
            R0,
            List.of(
                pod("default", "a", R0 - 2, "web", ""), pod("default", "b", R0 - 1, "web", ""))));

    String token = WatchCache.continueToken(R0 + 1, "default/a");
    Object[] parsed = WatchCache.parseContinueToken(token);
    cache.tell(
        new WatchCache.ListObjects(
            EVERYTHING, 0, 10, (String) parsed[1], (Long) parsed[0], replies.ref()));
    feed.tell(modified(R0, pod("default", "b", R0 + 1, "db", "")));

    ListResult page = replies.expectMessageClass(ListResult.class);
    assertThat(page.revision()).isEqualTo(R0 + 1);
    assertThat(page.items()).extracting(StoredObject::revision).containsExactly(R0 + 1);
  }

  @Test
  void aContinueTokenOlderThanTheRingIsGone() {
    ActorRef<WatchCache.Command> cache = cache(2, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(
        new Snapshot(
            EPOCH,
            R0,
            List.of(
                pod("default", "a", R0 - 2, "web", ""), pod("default", "b", R0 - 1, "web", ""))));
    cache.tell(list(EVERYTHING, 0, 1));
    ListResult first = replies.expectMessageClass(ListResult.class);

    feed.tell(modified(R0, pod("default", "a", R0 + 1, "db", "")));
    feed.tell(modified(R0 + 1, pod("default", "a", R0 + 2, "web", "")));
    feed.tell(modified(R0 + 2, pod("default", "a", R0 + 3, "db", "")));

    Object[] token = WatchCache.parseContinueToken(first.continueToken());
    cache.tell(
        new WatchCache.ListObjects(
            EVERYTHING, 0, 1, (String) token[1], (Long) token[0], replies.ref()));
    ApiStatus gone = replies.expectMessageClass(ApiStatus.class);
    assertThat(gone.code()).isEqualTo(410);
    assertThat(gone.reason()).isEqualTo("Expired");
    assertThat(gone.message())
        .startsWith("The provided continue parameter is too old to display a consistent list");
  }

  @Test
  void aContinueTokenOfAnEarlierEpochIsGone() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    long r2 = RevisionProtocol.revision(EPOCH + 1, 3);
    subscribed().tell(new Snapshot(EPOCH + 1, r2, List.of(pod("default", "a", r2, "web", ""))));
    // Page 1 was served before the revision log's fail-over, numerically close to r2's counter.
    String token = WatchCache.continueToken(RevisionProtocol.revision(EPOCH, 3), "default/a");
    Object[] parsed = WatchCache.parseContinueToken(token);
    cache.tell(
        new WatchCache.ListObjects(
            EVERYTHING, 0, 1, (String) parsed[1], (Long) parsed[0], replies.ref()));
    assertThat(replies.expectMessageClass(ApiStatus.class).code()).isEqualTo(410);
  }

  @Test
  void getObjectAnswersTheCurrentObjectOrNothing() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    subscribed().tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    cache.tell(new WatchCache.GetObject("default/a", replies.ref()));
    assertThat(replies.expectMessageClass(StoredObject.class).revision()).isEqualTo(R0 - 1);
    cache.tell(new WatchCache.GetObject("default/zz", replies.ref()));
    assertThat(replies.receiveMessage()).isEqualTo("");
  }

  // ---------------------------------------------------------------- watches

  @Test
  void aWatchFromARevisionDeliversExactlyTheLaterChangesInOrder() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    feed.tell(added(R0, pod("default", "b", R0 + 1, "web", "")));
    feed.tell(modified(R0 + 1, pod("default", "a", R0 + 2, "web", "node-1")));
    feed.tell(added(R0 + 2, pod("default", "c", R0 + 3, "web", "")));
    feed.tell(deleted(R0 + 3, pod("default", "b", R0 + 4, "web", "")));

    Watcher watcher = watch(cache, EVERYTHING, R0 + 2, false, 100);
    assertThat(watcher.startedAt).isEqualTo(R0 + 4);
    assertThat(watcher.next()).isEqualTo("ADDED c " + (R0 + 3));
    assertThat(watcher.next()).isEqualTo("DELETED b " + (R0 + 4));

    feed.tell(modified(R0 + 4, pod("default", "c", R0 + 5, "db", "")));
    feed.tell(added(R0 + 5, pod("default", "d", R0 + 6, "web", "")));
    assertThat(watcher.next()).isEqualTo("MODIFIED c " + (R0 + 5));
    assertThat(watcher.next()).isEqualTo("ADDED d " + (R0 + 6));
    watcher.probe.expectNoMessage(QUIET);

    // A watch from the newest revision sees only what comes next; one without a revision starts
    // with ADDED for every current object.
    Watcher fromNow = watch(cache, EVERYTHING, R0 + 6, false, 100);
    Watcher fresh = watch(cache, EVERYTHING, -1, false, 100);
    assertThat(List.of(fresh.next(), fresh.next(), fresh.next()))
        .containsExactly("ADDED a " + (R0 + 2), "ADDED c " + (R0 + 5), "ADDED d " + (R0 + 6));
    feed.tell(deleted(R0 + 6, pod("default", "a", R0 + 7, "web", "node-1")));
    assertThat(fromNow.next()).isEqualTo("DELETED a " + (R0 + 7));
    assertThat(fresh.next()).isEqualTo("DELETED a " + (R0 + 7));
    assertThat(watcher.next()).isEqualTo("DELETED a " + (R0 + 7));
    fromNow.probe.expectNoMessage(QUIET);
  }

  @Test
  void aWatchSeesObjectsEnterAndLeaveItsSelector() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(
        new Snapshot(
            EPOCH,
            R0,
            List.of(
                pod("default", "a", R0 - 2, "web", ""), pod("default", "b", R0 - 1, "db", ""))));
    Watcher web = watch(cache, filter(null, "app=web", ""), R0, false, 100);
    Watcher onNode = watch(cache, filter(null, "", "spec.nodeName=node-1"), R0, false, 100);

    feed.tell(modified(R0, pod("default", "a", R0 + 1, "db", ""))); // a leaves app=web
    feed.tell(modified(R0 + 1, pod("default", "b", R0 + 2, "web", ""))); // b enters app=web
    feed.tell(modified(R0 + 2, pod("default", "a", R0 + 3, "db", "node-1"))); // a bound
    feed.tell(modified(R0 + 3, pod("default", "b", R0 + 4, "web", ""))); // b stays
    feed.tell(deleted(R0 + 4, pod("default", "a", R0 + 5, "db", "node-1"))); // a gone

    assertThat(web.next()).isEqualTo("DELETED a " + (R0 + 1));
    assertThat(web.next()).isEqualTo("ADDED b " + (R0 + 2));
    assertThat(web.next()).isEqualTo("MODIFIED b " + (R0 + 4));
    web.probe.expectNoMessage(QUIET);

    assertThat(onNode.next()).isEqualTo("ADDED a " + (R0 + 3));
    assertThat(onNode.next()).isEqualTo("DELETED a " + (R0 + 5));
    onNode.probe.expectNoMessage(Duration.ZERO);
  }

  /**
   * As the apiserver's cacheWatcher does: an object that leaves the selector is sent as DELETED
   * with the content the watcher last saw (which matched its selector) at the change's
   * resourceVersion, so a client never receives an object its selector excludes.
   */
  @Test
  void anObjectLeavingTheSelectorIsDeletedWithTheContentTheWatcherLastSaw() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    Watcher web = watch(cache, filter(null, "app=web", ""), R0, false, 100);

    feed.tell(modified(R0, pod("default", "a", R0 + 1, "db", "")));
    WatchEvent left = web.nextEvent();
    assertThat(left.type()).isEqualTo("DELETED");
    assertThat(Json.metaText(left.object(), "resourceVersion")).isEqualTo(Long.toString(R0 + 1));
    assertThat(left.object().at("/metadata/labels/app").asText()).isEqualTo("web");
  }

  @Test
  void aWatchFromARevisionOlderThanTheRingGetsOne410ErrorAndEnds() {
    ActorRef<WatchCache.Command> cache = cache(2, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    feed.tell(modified(R0, pod("default", "a", R0 + 1, "db", "")));
    feed.tell(modified(R0 + 1, pod("default", "a", R0 + 2, "web", "")));
    feed.tell(modified(R0 + 2, pod("default", "a", R0 + 3, "db", "")));

    // R0 + 1 is the oldest revision whose later changes are all still in the ring.
    Watcher oldest = watch(cache, EVERYTHING, R0 + 1, false, 100);
    assertThat(oldest.next()).isEqualTo("MODIFIED a " + (R0 + 2));
    assertThat(oldest.next()).isEqualTo("MODIFIED a " + (R0 + 3));

    Watcher tooOld = watch(cache, EVERYTHING, R0, false, 100);
    tooOld.expectGoneAndEnd();
  }

  @Test
  void aWatchFromARevisionOfAnotherEpochGetsOne410ErrorAndEnds() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    subscribed().tell(new Snapshot(EPOCH + 1, RevisionProtocol.revision(EPOCH + 1, 3), List.of()));
    // A revision of the previous epoch, even if numerically close, and one of a later epoch.
    watch(cache, EVERYTHING, RevisionProtocol.revision(EPOCH, 5), false, 100).expectGoneAndEnd();
    watch(cache, EVERYTHING, RevisionProtocol.revision(EPOCH + 2, 1), false, 100)
        .expectGoneAndEnd();
  }

  @Test
  void aSnapshotOfANewEpochExpiresOpenWatchesWith410() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    Watcher watcher = watch(cache, EVERYTHING, R0, false, 100);

    long r2 = RevisionProtocol.revision(EPOCH + 1, 1);
    feed.tell(new Snapshot(EPOCH + 1, r2, List.of(pod("default", "a", r2, "web", ""))));
    watcher.expectGoneAndEnd();

    cache.tell(list(EVERYTHING, 0, 0));
    ListResult result = replies.expectMessageClass(ListResult.class);
    assertThat(result.revision()).isEqualTo(r2);
    assertThat(result.items()).extracting(StoredObject::revision).containsExactly(r2);
  }

  @Test
  void aGapInTheChangeStreamMakesTheCacheSubscribeAgainRatherThanServeAHole() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));

    // R0 + 1 never arrived.
    feed.tell(added(R0 + 1, pod("default", "c", R0 + 2, "web", "")));
    Subscribe again = log.expectMessageClass(Subscribe.class);
    assertThat(again.subscriber()).isEqualTo(feed);
    cache.tell(list(EVERYTHING, 0, 0));
    ListResult before = replies.expectMessageClass(ListResult.class);
    assertThat(before.revision()).isEqualTo(R0);
    assertThat(names(before)).containsExactly("a");

    feed.tell(
        new Snapshot(
            EPOCH,
            R0 + 2,
            List.of(
                pod("default", "a", R0 - 1, "web", ""),
                pod("default", "b", R0 + 1, "web", ""),
                pod("default", "c", R0 + 2, "web", ""))));
    cache.tell(list(EVERYTHING, R0 + 2, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("a", "b", "c");
  }

  @Test
  void aGapAsksForOneSnapshotNotOnePerLaterChange() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));

    feed.tell(added(R0 + 1, pod("default", "c", R0 + 2, "web", "")));
    feed.tell(added(R0 + 2, pod("default", "d", R0 + 3, "web", "")));
    feed.tell(added(R0 + 3, pod("default", "e", R0 + 4, "web", "")));
    assertThat(log.expectMessageClass(Subscribe.class).knownEpoch()).isEqualTo(-1);
    log.expectNoMessage(QUIET);
  }

  @Test
  void aLateChangeOfAReplacedLogIsIgnoredNotTakenForAGap() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    long r2 = RevisionProtocol.revision(EPOCH + 1, 5);
    feed.tell(new Snapshot(EPOCH + 1, r2, List.of(pod("default", "a", r2, "web", ""))));

    feed.tell(added(R0, pod("default", "late", R0 + 1, "web", "")));
    log.expectNoMessage(QUIET);
    cache.tell(list(EVERYTHING, 0, 0));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("a");
  }

  @Test
  void aSnapshotInPartsIsAppliedWhenItsLastPartArrivesAndOnlyIfNoneIsMissing() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new SnapshotPart(EPOCH, R0, 0, List.of(pod("default", "a", R0 - 2, "web", ""))));
    feed.tell(new SnapshotPart(EPOCH, R0, 1, List.of(pod("default", "b", R0 - 1, "web", ""))));
    cache.tell(list(EVERYTHING, 0, 0));
    replies.expectNoMessage(QUIET);
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "c", R0, "web", "")), 2));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("a", "b", "c");

    // a new epoch whose first part got lost: not applied, the whole snapshot is asked for again
    long r2 = RevisionProtocol.revision(EPOCH + 1, 5);
    feed.tell(new SnapshotPart(EPOCH + 1, r2, 1, List.of(pod("default", "b", r2 - 1, "web", ""))));
    feed.tell(new Snapshot(EPOCH + 1, r2, List.of(pod("default", "c", r2, "web", "")), 2));
    assertThat(log.expectMessageClass(Subscribe.class).knownEpoch()).isEqualTo(-1);
    cache.tell(list(EVERYTHING, 0, 0));
    assertThat(replies.expectMessageClass(ListResult.class).revision()).isEqualTo(R0);
  }

  @Test
  void aListNeedingARevisionOfANewerEpochMakesTheCacheSubscribeAtOnce() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));

    long r2 = RevisionProtocol.revision(EPOCH + 1, 3);
    cache.tell(list(EVERYTHING, r2, 0));
    assertThat(log.expectMessageClass(Subscribe.class).knownEpoch()).isEqualTo(EPOCH);
    feed.tell(new Snapshot(EPOCH + 1, r2, List.of(pod("default", "b", r2, "web", ""))));
    assertThat(names(replies.expectMessageClass(ListResult.class))).containsExactly("b");
  }

  @Test
  void aWatchAskingForBookmarksGetsThemWithTheCurrentRevision() {
    ActorRef<WatchCache.Command> cache = cache(100, Duration.ofMillis(100));
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    Watcher plain = watch(cache, EVERYTHING, R0, false, 100);
    Watcher withBookmarks = watch(cache, EVERYTHING, R0, true, 100);
    feed.tell(modified(R0, pod("default", "a", R0 + 1, "db", "")));
    // Bookmarks may come before the change (at R0) and after it (at R0 + 1), never out of order.
    List<String> seen = new ArrayList<>();
    WatchEvent event;
    do {
      event = withBookmarks.nextEvent();
      seen.add(event.type() + " " + Json.metaText(event.object(), "resourceVersion"));
    } while (!seen.get(seen.size() - 1).equals("BOOKMARK " + (R0 + 1)));
    assertThat(event.object().path("kind").asText()).isEqualTo("Pod");
    assertThat(event.object().path("apiVersion").asText()).isEqualTo("v1");
    int change = seen.indexOf("MODIFIED " + (R0 + 1));
    assertThat(change).isNotNegative();
    assertThat(seen.subList(0, change)).allMatch(e -> e.equals("BOOKMARK " + R0));
    assertThat(seen.subList(change + 1, seen.size()))
        .allMatch(e -> e.equals("BOOKMARK " + (R0 + 1)));

    assertThat(plain.next()).isEqualTo("MODIFIED a " + (R0 + 1));
    plain.probe.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aWatcherThatCannotKeepUpIsClosedAfterAGapFreePrefix() {
    ActorRef<WatchCache.Command> cache = cache(100, NO_BOOKMARKS);
    ActorRef<CacheUpdate> feed = subscribed();
    feed.tell(new Snapshot(EPOCH, R0, List.of(pod("default", "a", R0 - 1, "web", ""))));
    // A watcher whose stream is not consumed yet: a buffer of 2 events (plus whatever the stream
    // machinery prefetches), far fewer than the changes that follow.
    Pair<BoundedSourceQueue<WatchEvent>, Source<WatchEvent, akka.NotUsed>> queue =
        Source.<WatchEvent>queue(2).preMaterialize(testKit.system());
    cache.tell(
        new WatchCache.Watch(
            watchIds.incrementAndGet(), EVERYTHING, R0, false, queue.first(), replies.ref()));
    replies.expectMessage(R0);
    int changes = 100;
    for (long r = R0; r < R0 + changes; r++) {
      feed.tell(modified(r, pod("default", "a", r + 1, r % 2 == 0 ? "db" : "web", "")));
    }
    cache.tell(list(EVERYTHING, R0 + changes, 0));
    replies.expectMessageClass(ListResult.class);

    // The client gets the changes up to where it fell behind, in order, then the stream ends
    // (it re-watches from the last resourceVersion it saw).
    Watcher slow = consume(queue.second(), R0);
    List<String> received = new ArrayList<>();
    Object message;
    while ((message = slow.probe.receiveMessage()) instanceof WatchEvent event) {
      received.add(event.type() + " a " + Json.metaText(event.object(), "resourceVersion"));
    }
    assertThat(message).isEqualTo(COMPLETED);
    assertThat(received).hasSizeBetween(2, changes - 1);
    for (int i = 0; i < received.size(); i++) {
      assertThat(received.get(i)).isEqualTo("MODIFIED a " + (R0 + 1 + i));
    }
  }

  // ---------------------------------------------------------------- helpers

  /** What a watch client observes. */
  private static final class Watcher {
    final TestProbe<Object> probe;
    final long startedAt;

    Watcher(TestProbe<Object> probe, long startedAt) {
      this.probe = probe;
      this.startedAt = startedAt;
    }

    WatchEvent nextEvent() {
      return probe.expectMessageClass(WatchEvent.class);
    }

    /** "TYPE name resourceVersion". */
    String next() {
      WatchEvent e = nextEvent();
      return e.type()
          + " "
          + Json.name(e.object())
          + " "
          + Json.metaText(e.object(), "resourceVersion");
    }

    void expectGoneAndEnd() {
      WatchEvent error = nextEvent();
      assertThat(error.type()).isEqualTo("ERROR");
      assertThat(error.object().path("kind").asText()).isEqualTo("Status");
      assertThat(error.object().path("code").asInt()).isEqualTo(410);
      assertThat(error.object().path("reason").asText()).isEqualTo("Expired");
      assertThat(new String(error.json(), StandardCharsets.UTF_8)).contains("\"code\":410");
      probe.expectMessage(COMPLETED);
    }
  }

  private ActorRef<WatchCache.Command> cache(int ringSize, Duration bookmarkInterval) {
    return testKit.spawn(WatchCache.create(PODS, log.ref(), ringSize, bookmarkInterval));
  }

  /** The cache's first message to the log; the subscriber is where the log's stream goes. */
  private ActorRef<CacheUpdate> subscribed() {
    Subscribe subscribe = log.expectMessageClass(Subscribe.class);
    assertThat(subscribe.knownEpoch()).isEqualTo(-1);
    return subscribe.subscriber();
  }

  private Watcher watch(
      ActorRef<WatchCache.Command> cache,
      WatchFilter filter,
      long fromRevision,
      boolean bookmarks,
      int buffer) {
    Pair<BoundedSourceQueue<WatchEvent>, Source<WatchEvent, akka.NotUsed>> queue =
        Source.<WatchEvent>queue(buffer).preMaterialize(testKit.system());
    TestProbe<Object> started = testKit.createTestProbe(Object.class);
    cache.tell(
        new WatchCache.Watch(
            watchIds.incrementAndGet(),
            filter,
            fromRevision,
            bookmarks,
            queue.first(),
            started.ref()));
    long at = (Long) started.receiveMessage();
    return consume(queue.second(), at);
  }

  private Watcher consume(Source<WatchEvent, akka.NotUsed> events, long startedAt) {
    TestProbe<Object> probe = testKit.createTestProbe(Object.class);
    events
        .<Object>map(e -> e)
        .runWith(ActorSink.actorRef(probe.ref(), COMPLETED, failure -> failure), testKit.system());
    return new Watcher(probe, startedAt);
  }

  private WatchCache.ListObjects list(WatchFilter filter, long minRevision, long limit) {
    return new WatchCache.ListObjects(filter, minRevision, limit, null, 0, replies.ref());
  }

  private ListResult next(
      ActorRef<WatchCache.Command> cache, WatchFilter filter, ListResult page, long limit) {
    Object[] token = WatchCache.parseContinueToken(page.continueToken());
    assertThat(token).isNotNull();
    cache.tell(
        new WatchCache.ListObjects(
            filter, 0, limit, (String) token[1], (Long) token[0], replies.ref()));
    return replies.expectMessageClass(ListResult.class);
  }

  private static WatchFilter filter(String namespace, String labels, String fields) {
    return new WatchFilter(
        namespace, LabelSelector.parse(labels), FieldSelector.parse(PODS, fields));
  }

  private static List<String> names(ListResult result) {
    List<String> names = new ArrayList<>();
    for (StoredObject o : result.items()) {
      names.add(Json.name(o.object()));
    }
    return names;
  }

  private static Change added(long previous, StoredObject pod) {
    return change(previous, "ADDED", pod);
  }

  private static Change modified(long previous, StoredObject pod) {
    return change(previous, "MODIFIED", pod);
  }

  private static Change deleted(long previous, StoredObject pod) {
    return change(previous, "DELETED", pod);
  }

  private static Change change(long previous, String type, StoredObject pod) {
    return new Change(
        previous,
        pod.revision(),
        type,
        PODS.entityId(Json.namespace(pod.object()), Json.name(pod.object())),
        pod);
  }

  /** A pod as the revision log publishes it. */
  private static StoredObject pod(
      String namespace, String name, long revision, String app, String nodeName) {
    ObjectNode pod =
        Json.parseObject(
            ("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'"
                    + name
                    + "','namespace':'"
                    + namespace
                    + "','uid':'uid-"
                    + name
                    + "','resourceVersion':'"
                    + revision
                    + "','labels':{'app':'"
                    + app
                    + "'}},'spec':{"
                    + (nodeName.isEmpty() ? "" : "'nodeName':'" + nodeName + "',")
                    + "'containers':[{'name':'app','image':'nginx'}]},"
                    + "'status':{'phase':'Pending'}}")
                .replace('\'', '"')
                .getBytes(StandardCharsets.UTF_8));
    return StoredObject.of(pod, revision);
  }
}
