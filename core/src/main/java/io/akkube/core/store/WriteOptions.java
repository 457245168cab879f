package io.akkube.core.store;

/** Options of create/update/patch: {@code ?dryRun=All&fieldManager=…&force=true}. */
public record WriteOptions(boolean dryRun, String fieldManager, boolean force) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, null, false);
}
