package io.akkube.core.object;

import akka.actor.typed.ActorRef;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What an object entity is given by the process that runs it: its kind's rules, revision log,
 * optional controller, whom to tell about each published change (an owner's controller), and time.
 */
public record EntityWiring(
    ResourceStrategy strategy,
    ActorRef<RevisionProtocol.Command> revisionLog,
    Optional<Controller> controller,
    Consumer<ObjectNode> onPublished,
    Duration resyncInterval,
    Clock clock) {}
