package io.akkube.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One recorded change of an object: when, which event, which incarnation (uid), the revision when
 * known, and the object right after the change.
 */
public record HistoryEntry(
    Instant time,
    String eventType,
    String uid,
    long sequenceNr,
    Long revision,
    ObjectNode object) {}
