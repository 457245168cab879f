package io.akkube.core.object;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.CborSerializable;
import io.akkube.core.store.StoredObject;
import java.util.List;

/**
 * Messages of a kind's revision log (DESIGN.md §4, "persist, then sequence"): entities announce
 * durable changes and get the revision; watch caches subscribe to the ordered stream of changes.
 */
public final class RevisionProtocol {

  private RevisionProtocol() {}

  /** What a revision log accepts. */
  public interface Command extends CborSerializable {}

  /**
   * A change an entity has persisted. Idempotent on (uid, sequenceNr): announcing it again returns
   * the revision it already got.
   */
  public record Announce(
      String key,
      String uid,
      long sequenceNr,
      String watchType,
      ObjectNode object,
      ActorRef<Announced> replyTo)
      implements Command {}

  /** The revision of a change and the object as published (resourceVersion set). */
  public record Announced(String key, long sequenceNr, StoredObject stored)
      implements CborSerializable {}

  /** Asks for the log's current revision (for consistent lists). */
  public record GetRevision(ActorRef<Revision> replyTo) implements Command {}

  public record Revision(long epoch, long revision) implements CborSerializable {}

  /**
   * A watch cache subscribes; it is sent a {@link Snapshot} and then every {@link Change}. Sending
   * it again is harmless; a subscriber that knows {@code knownEpoch} and is already subscribed gets
   * nothing new.
   */
  public record Subscribe(ActorRef<CacheUpdate> subscriber, long knownEpoch) implements Command {}

  /** What a watch cache receives. */
  public sealed interface CacheUpdate extends CborSerializable {}

  /**
   * Every current object at {@code revision}; starts (or, with a new epoch, restarts) a cache. A
   * large snapshot comes as {@code precedingParts} {@link SnapshotPart}s followed by this last part
   * (remoting frames are bounded).
   */
  public record Snapshot(long epoch, long revision, List<StoredObject> objects, int precedingParts)
      implements CacheUpdate {

    /** A snapshot in one message. */
    public Snapshot(long epoch, long revision, List<StoredObject> objects) {
      this(epoch, revision, objects, 0);
    }
  }

  /** Part {@code index} (from 0) of a snapshot at {@code revision} that ends with a Snapshot. */
  public record SnapshotPart(long epoch, long revision, int index, List<StoredObject> objects)
      implements CacheUpdate {}

  /**
   * One change. {@code previousRevision} is the log's revision before it, so a receiver can see a
   * gap and re-subscribe.
   */
  public record Change(
      long previousRevision, long revision, String watchType, String key, StoredObject object)
      implements CacheUpdate {}

  /** Revisions are {@code epoch × 2^40 + counter}: monotonic across restarts of the log. */
  public static long revision(long epoch, long counter) {
    return (epoch << 40) + counter;
  }

  public static long epochOf(long revision) {
    return revision >>> 40;
  }
}
