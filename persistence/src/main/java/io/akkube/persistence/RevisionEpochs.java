package io.akkube.persistence;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import io.akkube.core.CborSerializable;

/**
 * The revision epoch store: one persisted counter per revision log, incremented on every start of
 * the log, so revisions ({@code epoch × 2^40 + counter}) stay monotonic across restarts and
 * fail-overs (DESIGN.md §4).
 */
public final class RevisionEpochs
    extends EventSourcedBehavior<RevisionEpochs.Next, RevisionEpochs.EpochStarted, Long> {

  /** Start a new epoch; the reply is its number (1 on the very first start). */
  public record Next(ActorRef<Long> replyTo) implements CborSerializable {}

  public record EpochStarted(long epoch) implements CborSerializable {}

  public static Behavior<Next> create(String logName) {
    return new RevisionEpochs(logName);
  }

  private RevisionEpochs(String logName) {
    super(PersistenceId.of("revision-epoch", logName));
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Next, EpochStarted, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Next.class,
            (epoch, next) ->
                Effect()
                    .persist(new EpochStarted(epoch + 1))
                    .thenReply(next.replyTo(), newEpoch -> newEpoch))
        .build();
  }

  @Override
  public EventHandler<Long, EpochStarted> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(EpochStarted.class, (epoch, started) -> started.epoch())
        .build();
  }
}
