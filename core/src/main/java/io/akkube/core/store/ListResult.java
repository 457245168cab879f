package io.akkube.core.store;

import java.util.List;

/** Items of a list, the list's resourceVersion, and the continue token when paged. */
public record ListResult(
    List<StoredObject> items, long revision, String continueToken, Long remainingItemCount) {}
