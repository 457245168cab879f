package io.akkube.core.scheduling;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What plugins computed for one pod in one scheduling cycle (framework.CycleState): PreFilter and
 * PreScore results keyed by plugin, and which filters skipped. Lives for one cycle only; a
 * preemption dry run works on a {@link #copy()}.
 */
public final class CycleState {

  private final Map<String, Object> data;
  private final Set<String> skipFilter;

  public CycleState() {
    this(new HashMap<>(), new HashSet<>());
  }

  private CycleState(Map<String, Object> data, Set<String> skipFilter) {
    this.data = data;
    this.skipFilter = skipFilter;
  }

  public void write(String key, Object value) {
    data.put(key, value);
  }

  /** The value a plugin wrote, or null when it wrote none (its PreFilter did not run). */
  public <T> T read(String key, Class<T> type) {
    return type.cast(data.get(key));
  }

  public CycleState copy() {
    return new CycleState(new HashMap<>(data), new HashSet<>(skipFilter));
  }

  void skipFilter(String plugin) {
    skipFilter.add(plugin);
  }

  boolean filterSkipped(String plugin) {
    return skipFilter.contains(plugin);
  }
}
