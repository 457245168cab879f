package io.akkube.cluster.store;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.cluster.watch.WatchCache;
import io.akkube.cluster.watch.WatchFilter;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.akkube.core.api.ResourceType;
import io.akkube.core.api.ResourceTypes;
import io.akkube.core.object.ObjectEntity;
import io.akkube.core.object.RevisionProtocol;
import io.akkube.core.selection.FieldSelector;
import io.akkube.core.selection.LabelSelector;
import io.akkube.core.store.DeleteOptions;
import io.akkube.core.store.DeleteResult;
import io.akkube.core.store.HistoryEntry;
import io.akkube.core.store.ListOptions;
import io.akkube.core.store.ListResult;
import io.akkube.core.store.ObjectStore;
import io.akkube.core.store.PatchType;
import io.akkube.core.store.StoredObject;
import io.akkube.core.store.WatchEvent;
import io.akkube.core.store.WatchOptions;
import io.akkube.core.store.WriteOptions;
import io.akkube.persistence.ObjectJournal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The {@link ObjectStore} of a member: writes and gets go to the sharded entity that owns the
 * object; lists and watches are served by this member's watch caches, consistent reads first asking
 * the kind's revision log for its current revision.
 */
public final class ShardedObjectStore implements ObjectStore {

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REVISION_RETRY = Duration.ofSeconds(1);
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private final ActorSystem<?> system;
  private final Executor dispatcher;
  private final ClusterSharding sharding;
  private final Map<ResourceType, EntityTypeKey<ObjectEntity.Command>> entityKeys;
  private final Map<ResourceType, ActorRef<RevisionProtocol.Command>> logs;
  private final Map<ResourceType, ActorRef<WatchCache.Command>> caches;
  private final ObjectJournal journal;
  private final int watcherBuffer;
  private final Duration defaultWatchTimeout;
  private final AtomicLong watchIds = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private final Map<ResourceType, WriteHook> hooks = new ConcurrentHashMap<>();

  public ShardedObjectStore(
      ActorSystem<?> system,
      Map<ResourceType, EntityTypeKey<ObjectEntity.Command>> entityKeys,
      Map<ResourceType, ActorRef<RevisionProtocol.Command>> logs,
      Map<ResourceType, ActorRef<WatchCache.Command>> caches,
      ObjectJournal journal,
      int watcherBuffer,
      Duration defaultWatchTimeout) {
    this.system = system;
    this.dispatcher = system.executionContext();
    this.sharding = ClusterSharding.get(system);
    this.entityKeys = Map.copyOf(entityKeys);
    this.logs = Map.copyOf(logs);
    this.caches = Map.copyOf(caches);
    this.journal = journal;
    this.watcherBuffer = watcherBuffer;
    this.defaultWatchTimeout = defaultWatchTimeout;
  }

  /**
   * Makes writes of {@code type} pass through {@code hook} before they persist (a Service's cluster
   * IPs and node ports). Called while the member starts, before the API serves.
   */
  public void hookWrites(ResourceType type, WriteHook hook) {
    hooks.put(type, hook);
  }

  private EntityRef<ObjectEntity.Command> entity(ResourceType type, String namespace, String name) {
    return sharding.entityRefFor(entityKeys.get(type), type.entityId(namespace, name));
  }

  private CompletionStage<ObjectEntity.Reply> ask(
      ResourceType type,
      String namespace,
      String name,
      Function<ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> command) {
    return onDispatcher(entity(type, namespace, name).ask(command::apply, ASK_TIMEOUT))
        .exceptionally(
            failure -> {
              throw ApiStatus.timeout(
                      "the server was unable to return a response in the time allotted ("
                          + type.plural()
                          + " "
                          + name
                          + ")")
                  .exception();
            });
  }

  /** An ask's answer, continued on this system's dispatcher (see {@link Answers}). */
  private <T> CompletableFuture<T> onDispatcher(CompletionStage<T> answer) {
    return Answers.continueOn(dispatcher, answer);
  }

  private static StoredObject unwrap(ObjectEntity.Reply reply) {
    if (reply.error() != null) {
      throw reply.error().exception();
    }
    return reply.object();
  }

  @Override
  public CompletionStage<StoredObject> create(
      ResourceType type, String namespace, ObjectNode object, WriteOptions options) {
    ObjectNode meta = Json.meta(object);
    boolean generated =
        Json.text(meta, "name").isEmpty() && !Json.text(meta, "generateName").isEmpty();
    if (Json.text(meta, "name").isEmpty() && !generated) {
      return CompletableFuture.failedFuture(
          ApiStatus.invalid(
                  type,
                  "",
                  List.of(
                      io.akkube.core.api.FieldError.required(
                          "metadata.name", "name or generateName is required")))
              .exception());
    }
    if (type.namespaced()) {
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    CompletionStage<Void> admitted =
        type.namespaced()
            ? namespaceAdmits(type, namespace, Json.text(meta, "name"))
            : CompletableFuture.completedFuture(null);
    return admitted.thenCompose(ok -> createNamed(type, namespace, object, options, generated, 0));
  }

  private CompletionStage<StoredObject> createNamed(
      ResourceType type,
      String namespace,
      ObjectNode object,
      WriteOptions options,
      boolean generated,
      int attempt) {
    ObjectNode meta = Json.meta(object);
    if (generated) {
      meta.put("name", Json.text(meta, "generateName") + randomSuffix());
    }
    String name = Json.text(meta, "name");
    return write(
            type,
            namespace,
            name,
            true,
            true,
            r -> new ObjectEntity.Create(object, true, r),
            r -> new ObjectEntity.Create(object, options.dryRun(), r),
            options.dryRun(),
            0)
        .thenCompose(
            reply -> {
              if (generated
                  && reply.error() != null
                  && reply.error().code() == 409
                  && attempt < 8) {
                return createNamed(type, namespace, object, options, true, attempt + 1);
              }
              return CompletableFuture.completedFuture(unwrap(reply));
            });
  }

  private String randomSuffix() {
    StringBuilder sb = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      sb.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return sb.toString();
  }

  /** NamespaceLifecycle admission: the namespace must exist and not be terminating. */
  private CompletionStage<Void> namespaceAdmits(ResourceType type, String namespace, String name) {
    return getCached(ResourceTypes.NAMESPACES, namespace)
        .thenApply(
            ns -> {
              if (ns == null) {
                throw ApiStatus.notFound(ResourceTypes.NAMESPACES, namespace).exception();
              }
              if (ns.object().path("metadata").has("deletionTimestamp")) {
                throw new ApiStatus(
                        403,
                        "Forbidden",
                        type.qualifiedResource()
                            + " \""
                            + name
                            + "\" is forbidden: unable to create new content in namespace "
                            + namespace
                            + " because it is being terminated",
                        new ApiStatus.Details(
                            name,
                            type.group(),
                            type.plural(),
                            List.of(
                                new ApiStatus.Cause(
                                    "NamespaceTerminating",
                                    "namespace " + namespace + " is being terminated",
                                    "metadata.namespace"))),
                        null)
                    .exception();
              }
              return null;
            });
  }

  /** The object as this member's watch cache has it (null if absent). */
  public CompletionStage<StoredObject> getCached(ResourceType type, String key) {
    return onDispatcher(
            AskPattern.<WatchCache.Command, Object>ask(
                caches.get(type),
                replyTo -> new WatchCache.GetObject(key, replyTo),
                ASK_TIMEOUT,
                system.scheduler()))
        .thenApply(o -> o instanceof StoredObject s ? s : null);
  }

  @Override
  public CompletionStage<StoredObject> get(ResourceType type, String namespace, String name) {
    return ask(type, namespace, name, ObjectEntity.Get::new).thenApply(ShardedObjectStore::unwrap);
  }

  @Override
  public CompletionStage<StoredObject> update(
      ResourceType type,
      String namespace,
      String name,
      ObjectNode object,
      String subresource,
      WriteOptions options) {
    ObjectNode meta = Json.meta(object);
    String bodyName = Json.text(meta, "name");
    if (!bodyName.isEmpty() && !bodyName.equals(name)) {
      return CompletableFuture.failedFuture(
          ApiStatus.badRequest(
                  "the name of the object ("
                      + bodyName
                      + ") does not match the name on the URL ("
                      + name
                      + ")")
              .exception());
    }
    meta.put("name", name);
    if (type.namespaced()) {
      meta.put("namespace", namespace);
    }
    return write(
            type,
            namespace,
            name,
            !"status".equals(subresource),
            false,
            r -> new ObjectEntity.Update(object, subresource, true, r),
            r -> new ObjectEntity.Update(object, subresource, options.dryRun(), r),
            options.dryRun(),
            0)
        .thenApply(ShardedObjectStore::unwrap);
  }

  @Override
  public CompletionStage<StoredObject> patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      byte[] patch,
      String subresource,
      WriteOptions options) {
    return write(
            type,
            namespace,
            name,
            !"status".equals(subresource),
            false,
            r -> new ObjectEntity.Patch(patchType, patch, subresource, true, r),
            r -> new ObjectEntity.Patch(patchType, patch, subresource, options.dryRun(), r),
            options.dryRun(),
            0)
        .thenApply(ShardedObjectStore::unwrap);
  }

  @Override
  public CompletionStage<DeleteResult> delete(
      ResourceType type, String namespace, String name, DeleteOptions options) {
    return ask(type, namespace, name, r -> new ObjectEntity.Delete(options, r))
        .thenApply(
            reply -> {
              WriteHook hook = hooks.get(type);
              if (hook != null && reply.finished() && !options.dryRun() && reply.error() == null) {
                hook.deleted(reply.object().object());
              }
              return new DeleteResult(unwrap(reply), reply.finished());
            });
  }

  /**
   * A create, update or patch. Without a hook for the kind (or for a status write) the entity is
   * asked at once. With one, the entity decides in a dry run ({@code decide}), the hook gets that
   * object and the one it replaces, and the entity writes what the hook passes on (as a create, or
   * as a replacement under the dry run's resourceVersion; a concurrent change: decided again).
   */
  private CompletionStage<ObjectEntity.Reply> write(
      ResourceType type,
      String namespace,
      String name,
      boolean hookable,
      boolean create,
      Function<ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> decide,
      Function<ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> request,
      boolean dryRun,
      int attempt) {
    WriteHook hook = hooks.get(type);
    if (hook == null || !hookable) {
      return ask(type, namespace, name, request);
    }
    return ask(type, namespace, name, decide)
        .thenCompose(
            decided -> {
              if (decided.error() != null) {
                return CompletableFuture.completedFuture(decided);
              }
              ObjectNode next = decided.object().object().deepCopy();
              String base = Json.metaText(next, "resourceVersion");
              CompletionStage<ObjectNode> previous =
                  create
                      ? CompletableFuture.completedFuture(null)
                      : ask(type, namespace, name, ObjectEntity.Get::new)
                          .thenApply(r -> r.object() == null ? null : r.object().object());
              return previous.thenCompose(
                  prev -> {
                    if (!create
                        && (prev == null || !Json.metaText(prev, "resourceVersion").equals(base))) {
                      return retry(type, namespace, name, create, decide, request, dryRun, attempt);
                    }
                    return hook.write(
                            prev,
                            next,
                            dryRun,
                            object ->
                                ask(
                                    type,
                                    namespace,
                                    name,
                                    r ->
                                        create
                                            ? new ObjectEntity.Create(object, dryRun, r)
                                            : new ObjectEntity.Update(object, null, dryRun, r)))
                        .thenCompose(
                            reply ->
                                !create && reply.error() != null && reply.error().code() == 409
                                    ? retry(
                                        type, namespace, name, create, decide, request, dryRun,
                                        attempt)
                                    : CompletableFuture.completedFuture(reply));
                  });
            });
  }

  private CompletionStage<ObjectEntity.Reply> retry(
      ResourceType type,
      String namespace,
      String name,
      boolean create,
      Function<ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> decide,
      Function<ActorRef<ObjectEntity.Reply>, ObjectEntity.Command> request,
      boolean dryRun,
      int attempt) {
    if (attempt >= 8) {
      return CompletableFuture.completedFuture(
          new ObjectEntity.Reply(null, ApiStatus.modifiedConflict(type, name), false));
    }
    return write(type, namespace, name, true, create, decide, request, dryRun, attempt + 1);
  }

  @Override
  public CompletionStage<StoredObject> bind(String namespace, String name, String nodeName) {
    return ask(ResourceTypes.PODS, namespace, name, r -> new ObjectEntity.Bind(nodeName, r))
        .thenApply(ShardedObjectStore::unwrap);
  }

  private WatchFilter filter(ResourceType type, String namespace, String labels, String fields) {
    return new WatchFilter(
        type.namespaced() ? namespace : null,
        LabelSelector.parse(labels == null ? "" : labels),
        FieldSelector.parse(type, fields == null ? "" : fields));
  }

  /**
   * The kind's current revision, for a consistent list. Asked every second until 30 s have passed:
   * a revision log that is rebuilding ignores the question, and while a log moves to another member
   * (fail-over) the singleton proxy may still forward it to the member that died (entities retry
   * their announcements the same way).
   */
  private CompletionStage<Long> currentRevision(ResourceType type) {
    return currentRevision(type, System.nanoTime() + ASK_TIMEOUT.toNanos());
  }

  private CompletionStage<Long> currentRevision(ResourceType type, long deadline) {
    Duration wait =
        Duration.ofNanos(
            Math.max(1, Math.min(REVISION_RETRY.toNanos(), deadline - System.nanoTime())));
    return onDispatcher(
            AskPattern.<RevisionProtocol.Command, RevisionProtocol.Revision>ask(
                logs.get(type), RevisionProtocol.GetRevision::new, wait, system.scheduler()))
        .thenApply(RevisionProtocol.Revision::revision)
        .exceptionallyCompose(
            failure ->
                failure instanceof java.util.concurrent.TimeoutException
                        || failure.getCause() instanceof java.util.concurrent.TimeoutException
                    ? System.nanoTime() < deadline
                        ? currentRevision(type, deadline)
                        : CompletableFuture.failedFuture(failure)
                    : CompletableFuture.failedFuture(failure));
  }

  @Override
  public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
    WatchFilter filter;
    try {
      filter = filter(type, options.namespace(), options.labelSelector(), options.fieldSelector());
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    }
    String continueKey = null;
    long continueRevision = 0;
    if (options.continueToken() != null && !options.continueToken().isEmpty()) {
      Object[] token = WatchCache.parseContinueToken(options.continueToken());
      if (token == null) {
        return CompletableFuture.failedFuture(
            ApiStatus.badRequest("continue key is not valid: " + options.continueToken())
                .exception());
      }
      continueRevision = (Long) token[0];
      continueKey = (String) token[1];
    }
    CompletionStage<Long> minRevision;
    String rv = options.resourceVersion() == null ? "" : options.resourceVersion();
    if (continueKey != null || rv.equals("0")) {
      minRevision = CompletableFuture.completedFuture(0L);
    } else if (rv.isEmpty()) {
      minRevision = currentRevision(type);
    } else {
      try {
        minRevision = CompletableFuture.completedFuture(Long.parseLong(rv));
      } catch (NumberFormatException e) {
        return CompletableFuture.failedFuture(
            ApiStatus.badRequest("invalid resource version: " + rv).exception());
      }
    }
    String key = continueKey;
    long keyRevision = continueRevision;
    return minRevision.thenCompose(
        min ->
            onDispatcher(
                    AskPattern.<WatchCache.Command, Object>ask(
                        caches.get(type),
                        replyTo ->
                            new WatchCache.ListObjects(
                                filter, min, options.limit(), key, keyRevision, replyTo),
                        ASK_TIMEOUT,
                        system.scheduler()))
                .thenApply(
                    reply -> {
                      if (reply instanceof ApiStatus s) {
                        throw s.exception();
                      }
                      return (ListResult) reply;
                    }));
  }

  @Override
  public CompletionStage<Source<WatchEvent, NotUsed>> watch(
      ResourceType type, WatchOptions options) {
    WatchFilter filter;
    long from;
    try {
      filter = filter(type, options.namespace(), options.labelSelector(), options.fieldSelector());
      String rv = options.resourceVersion() == null ? "" : options.resourceVersion();
      from = rv.isEmpty() || rv.equals("0") ? -1 : Long.parseLong(rv);
    } catch (ApiException e) {
      return CompletableFuture.failedFuture(e);
    } catch (NumberFormatException e) {
      return CompletableFuture.failedFuture(
          ApiStatus.badRequest("invalid resource version: " + options.resourceVersion())
              .exception());
    }
    long id = watchIds.incrementAndGet();
    Pair<BoundedSourceQueue<WatchEvent>, Source<WatchEvent, NotUsed>> queue =
        Source.<WatchEvent>queue(watcherBuffer).preMaterialize(system);
    Duration timeout =
        options.timeoutSeconds() > 0
            ? Duration.ofSeconds(options.timeoutSeconds())
            : defaultWatchTimeout;
    ActorRef<WatchCache.Command> cache = caches.get(type);
    Source<WatchEvent, NotUsed> events =
        queue
            .second()
            .takeWithin(timeout)
            .watchTermination(
                (mat, done) -> {
                  done.whenComplete((d, f) -> cache.tell(new WatchCache.Unwatch(id)));
                  return mat;
                });
    return onDispatcher(
            AskPattern.<WatchCache.Command, Object>ask(
                cache,
                replyTo ->
                    new WatchCache.Watch(
                        id, filter, from, options.allowBookmarks(), queue.first(), replyTo),
                ASK_TIMEOUT,
                system.scheduler()))
        .thenApply(started -> events);
  }

  @Override
  public CompletionStage<List<HistoryEntry>> history(
      ResourceType type, String namespace, String name) {
    String entityId = type.entityId(namespace, name);
    return onDispatcher(journal.history(type, entityId))
        .thenCompose(
            entries -> {
              if (entries.isEmpty()) {
                throw ApiStatus.notFound(type, name).exception();
              }
              return getCached(type, entityId)
                  .thenApply(
                      current -> {
                        List<HistoryEntry> out = new ArrayList<>(entries);
                        int last = out.size() - 1;
                        HistoryEntry newest = out.get(last);
                        if (current != null
                            && Json.metaText(current.object(), "uid").equals(newest.uid())) {
                          out.set(
                              last,
                              new HistoryEntry(
                                  newest.time(),
                                  newest.eventType(),
                                  newest.uid(),
                                  newest.sequenceNr(),
                                  current.revision(),
                                  newest.object()));
                        }
                        return out;
                      });
            });
  }
}
