package io.akkube.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event of a watch stream: type ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, and the object
 * (for ERROR a Status). {@code json} is the object's bytes, shared by all watchers.
 */
public record WatchEvent(String type, ObjectNode object, byte[] json) {}
