package io.akkube.http.protobuf;

/**
 * Go's {@code time.Duration.String()}, which metav1.Duration marshals to JSON: {@code 72h3m0.5s},
 * {@code 1m30s}, {@code 1.5ms}, {@code 0s}.
 */
public final class GoDuration {

  private static final long MICROSECOND = 1_000L;
  private static final long MILLISECOND = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;

  private GoDuration() {}

  public static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    if (nanos == Long.MIN_VALUE) {
      // |MIN_VALUE| does not fit a long; Go prints this one as -2562047h47m16.854775808s.
      return "-2562047h47m16.854775808s";
    }
    long u = Math.abs(nanos);
    if (u < MICROSECOND) {
      return sign + u + "ns";
    }
    if (u < MILLISECOND) {
      return sign + fraction(u, 3) + "µs";
    }
    if (u < SECOND) {
      return sign + fraction(u, 6) + "ms";
    }
    StringBuilder out = new StringBuilder(sign);
    if (u >= HOUR) {
      out.append(u / HOUR).append('h');
    }
    if (u >= MINUTE) {
      out.append(u % HOUR / MINUTE).append('m');
    }
    return out.append(fraction(u % MINUTE, 9)).append('s').toString();
  }

  /** {@code value / 10^digits} in decimal, without trailing zeros after the point. */
  private static String fraction(long value, int digits) {
    long scale = (long) Math.pow(10, digits);
    String whole = Long.toString(value / scale);
    String frac = String.format("%0" + digits + "d", value % scale).replaceAll("0+$", "");
    return frac.isEmpty() ? whole : whole + "." + frac;
  }
}
