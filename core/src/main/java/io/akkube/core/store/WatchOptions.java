package io.akkube.core.store;

/**
 * A watch request. {@code resourceVersion} "" or "0" starts with synthetic ADDED events for the
 * current objects; otherwise changes after that version are sent. {@code timeoutSeconds} 0 means
 * the server's default.
 */
public record WatchOptions(
    String namespace,
    String labelSelector,
    String fieldSelector,
    String resourceVersion,
    boolean allowBookmarks,
    long timeoutSeconds) {}
