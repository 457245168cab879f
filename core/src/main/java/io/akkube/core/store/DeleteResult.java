package io.akkube.core.store;

/**
 * The object after a delete request: {@code finished} when it is gone, otherwise it carries a
 * deletionTimestamp and waits for finalizers or graceful termination.
 */
public record DeleteResult(StoredObject object, boolean finished) {}
