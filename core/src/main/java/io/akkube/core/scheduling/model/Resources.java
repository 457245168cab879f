package io.akkube.core.scheduling.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.quantity.Quantity;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A resource vector as kube-scheduler's framework.Resource: cpu in millicores, memory and ephemeral
 * storage in bytes, the number of pods a node allows, and scalar resources (extended resources such
 * as {@code example.com/gpu}, hugepages, attachable volumes) in whole units. Resources
 * kube-scheduler does not account for are dropped.
 */
public record Resources(
    long milliCpu,
    long memory,
    long ephemeralStorage,
    long allowedPodNumber,
    Map<String, Long> scalar) {

  public static final String CPU = "cpu";
  public static final String MEMORY = "memory";
  public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  public static final String PODS = "pods";

  public static final Resources NONE = new Resources(0, 0, 0, 0, Map.of());

  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");

  public Resources {
    // Sorted, so that reasons for several scalar resources come out in a stable order.
    scalar = Collections.unmodifiableMap(new TreeMap<>(scalar));
  }

  /**
   * A resource list ({@code requests}, {@code allocatable}) as Resource.Add reads it. Amounts are
   * rounded up: cpu to millicores, everything else to whole units.
   */
  public static Resources fromResourceList(JsonNode list) {
    return fromAmounts(amounts(list));
  }

  /** The amounts of a resource list by name; unparseable entries are skipped. */
  static Map<String, BigDecimal> amounts(JsonNode list) {
    Map<String, BigDecimal> out = new TreeMap<>();
    if (list == null || !list.isObject()) {
      return out;
    }
    list.fields()
        .forEachRemaining(
            e -> {
              try {
                out.put(e.getKey(), Quantity.fromJson(e.getValue()).amount());
              } catch (IllegalArgumentException ignored) {
                // Validation rejects these before a pod or node is stored.
              }
            });
    return out;
  }

  static Resources fromAmounts(Map<String, BigDecimal> amounts) {
    long cpu = 0;
    long memory = 0;
    long storage = 0;
    long pods = 0;
    Map<String, Long> scalar = new TreeMap<>();
    for (Map.Entry<String, BigDecimal> e : amounts.entrySet()) {
      Quantity q = new Quantity(e.getValue(), Quantity.Format.DECIMAL_SI);
      switch (e.getKey()) {
        case CPU -> cpu = q.milliValue();
        case MEMORY -> memory = q.value();
        case EPHEMERAL_STORAGE -> storage = q.value();
        case PODS -> pods = q.value();
        default -> {
          if (isScalarResourceName(e.getKey())) {
            scalar.put(e.getKey(), q.value());
          }
        }
      }
    }
    return new Resources(cpu, memory, storage, pods, scalar);
  }

  /** The amount of one resource in kube-scheduler's units (millicores for cpu). */
  public long get(String name) {
    return switch (name) {
      case CPU -> milliCpu;
      case MEMORY -> memory;
      case EPHEMERAL_STORAGE -> ephemeralStorage;
      case PODS -> allowedPodNumber;
      default -> scalar.getOrDefault(name, 0L);
    };
  }

  public Resources plus(Resources other) {
    Map<String, Long> sum = new TreeMap<>(scalar);
    other.scalar.forEach((k, v) -> sum.merge(k, v, Long::sum));
    return new Resources(
        milliCpu + other.milliCpu,
        memory + other.memory,
        ephemeralStorage + other.ephemeralStorage,
        allowedPodNumber + other.allowedPodNumber,
        sum);
  }

  public Resources minus(Resources other) {
    Map<String, Long> diff = new TreeMap<>(scalar);
    other.scalar.forEach((k, v) -> diff.merge(k, -v, Long::sum));
    return new Resources(
        milliCpu - other.milliCpu,
        memory - other.memory,
        ephemeralStorage - other.ephemeralStorage,
        allowedPodNumber - other.allowedPodNumber,
        diff);
  }

  /** Whether nothing at all is asked for (a best-effort pod's requests). */
  public boolean isZero() {
    return milliCpu == 0
        && memory == 0
        && ephemeralStorage == 0
        && scalar.values().stream().allMatch(v -> v == 0);
  }

  /**
   * v1helper.IsScalarResourceName: extended resources, {@code kubernetes.io/}-prefixed native
   * resources, hugepages and attachable volumes.
   */
  public static boolean isScalarResourceName(String name) {
    return isExtendedResourceName(name)
        || name.startsWith("hugepages-")
        || name.contains("kubernetes.io/")
        || name.startsWith("attachable-volumes-");
  }

  /**
   * v1helper.IsExtendedResourceName: a domain-prefixed name outside {@code kubernetes.io/} whose
   * {@code requests.} quota name is a qualified name.
   */
  public static boolean isExtendedResourceName(String name) {
    if (!name.contains("/") || name.contains("kubernetes.io/") || name.startsWith("requests.")) {
      return false;
    }
    String quotaName = "requests." + name;
    String[] parts = quotaName.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[0].length() > 253) {
      return false;
    }
    return parts[1].length() <= 63 && QUALIFIED_NAME.matcher(parts[1]).matches();
  }
}
