package io.akkube.core.quantity;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A Kubernetes resource quantity ({@code 100m}, {@code 128Mi}, {@code 1e3}), exact as
 * k8s.io/apimachinery/pkg/api/resource.Quantity: the amount is a decimal rounded up to nano units,
 * the format (decimal SI, binary SI or decimal exponent) comes from the suffix it was written with
 * and decides how {@link #toString()} prints it.
 *
 * <p>Equality is by value and format; use {@link #compareTo} to compare amounts.
 */
public record Quantity(BigDecimal amount, Format format) implements Comparable<Quantity> {

  /** How a quantity prints, as resource.Format. */
  public enum Format {
    DECIMAL_SI,
    BINARY_SI,
    DECIMAL_EXPONENT
  }

  public static final String FORMAT_ERROR =
      "quantities must match the regular expression"
          + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  public static final String NUMERIC_ERROR = "unable to parse quantity's numeric part";
  public static final String SUFFIX_ERROR = "unable to parse quantity's suffix";

  public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI);

  /** The largest binary quantity Kubernetes keeps (2^63 - 1); larger ones are capped. */
  private static final BigDecimal MAX_ALLOWED = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final int NANO_SCALE = 9;

  private static final Map<String, Integer> DECIMAL_SUFFIXES =
      Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
  private static final Map<String, Integer> BINARY_SUFFIXES =
      Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
  private static final String[] DECIMAL_BY_EXPONENT = {
    "n", "u", "m", "", "k", "M", "G", "T", "P", "E"
  };
  private static final String[] BINARY_BY_POWER = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

  /** A quantity that cannot be parsed; the message is Kubernetes' own. */
  public static final class FormatException extends IllegalArgumentException {
    public FormatException(String message) {
      super(message);
    }
  }

  public Quantity {
    amount = amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros();
  }

  /** Parses a quantity string as resource.ParseQuantity does. */
  public static Quantity parse(String str) {
    if (str.isEmpty()) {
      throw new FormatException(FORMAT_ERROR);
    }
    Parts p = split(str);
    String suffix = p.suffix;
    int base;
    int exponent;
    Format format;
    if (DECIMAL_SUFFIXES.containsKey(suffix)) {
      base = 10;
      exponent = DECIMAL_SUFFIXES.get(suffix);
      format = Format.DECIMAL_SI;
    } else if (BINARY_SUFFIXES.containsKey(suffix)) {
      base = 2;
      exponent = BINARY_SUFFIXES.get(suffix);
      format = Format.BINARY_SI;
    } else if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
      try {
        exponent = Integer.parseInt(suffix.substring(1));
      } catch (NumberFormatException e) {
        throw new FormatException(SUFFIX_ERROR);
      }
      base = 10;
      format = Format.DECIMAL_EXPONENT;
    } else {
      throw new FormatException(SUFFIX_ERROR);
    }
    BigDecimal value = new BigDecimal(p.num + (p.denom.isEmpty() ? "" : "." + p.denom));
    value =
        base == 10
            ? value.scaleByPowerOfTen(exponent)
            : value.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)));
    // Non-zero amounts finer than a nano unit round up: asking for some resource gets some.
    if (value.signum() != 0 && value.precision() - value.scale() < -NANO_SCALE) {
      value = BigDecimal.ONE.movePointLeft(NANO_SCALE);
    } else if (value.scale() > NANO_SCALE) {
      value = value.setScale(NANO_SCALE, RoundingMode.UP);
    }
    if (format == Format.BINARY_SI && value.compareTo(MAX_ALLOWED) > 0) {
      value = MAX_ALLOWED;
    }
    if (format == Format.BINARY_SI && value.compareTo(BigDecimal.ONE) < 0 && value.signum() > 0) {
      format = Format.DECIMAL_SI;
    }
    return new Quantity(p.positive ? value : value.negate(), format);
  }

  /**
   * A quantity from a JSON tree: a string, or a bare number as Kubernetes also accepts ({@code cpu:
   * 0.5}).
   */
  public static Quantity fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new FormatException(FORMAT_ERROR);
    }
    if (node.isNumber()) {
      return parse(node.decimalValue().toPlainString());
    }
    if (!node.isTextual()) {
      throw new FormatException(FORMAT_ERROR);
    }
    return parse(node.asText());
  }

  /** Whether {@code str} parses; null when it does, else Kubernetes' message. */
  public static String parseError(JsonNode node) {
    try {
      fromJson(node);
      return null;
    } catch (FormatException e) {
      return e.getMessage();
    }
  }

  public static Quantity ofMilli(long milli) {
    return new Quantity(BigDecimal.valueOf(milli, 3), Format.DECIMAL_SI);
  }

  public static Quantity of(long value, Format format) {
    return new Quantity(BigDecimal.valueOf(value), format);
  }

  /** The sum, printed in this quantity's format (as Quantity.Add does). */
  public Quantity add(Quantity other) {
    return new Quantity(amount.add(other.amount), format);
  }

  public Quantity subtract(Quantity other) {
    return new Quantity(amount.subtract(other.amount), format);
  }

  public Quantity negate() {
    return new Quantity(amount.negate(), format);
  }

  public Quantity multiply(long factor) {
    return new Quantity(amount.multiply(BigDecimal.valueOf(factor)), format);
  }

  public boolean isZero() {
    return amount.signum() == 0;
  }

  public int signum() {
    return amount.signum();
  }

  @Override
  public int compareTo(Quantity other) {
    return amount.compareTo(other.amount);
  }

  /** The amount in thousandths, rounded away from zero (cpu in millicores). */
  public long milliValue() {
    return scaled(3);
  }

  /** The amount in whole units, rounded away from zero (memory in bytes). */
  public long value() {
    return scaled(0);
  }

  private long scaled(int scale) {
    // Saturate before expanding: 1e999999999 must not build a billion-digit integer.
    if (amount.precision() - amount.scale() + scale > 19) {
      return amount.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    BigInteger v = amount.movePointRight(scale).setScale(0, RoundingMode.UP).toBigInteger();
    if (v.bitLength() > 63) {
      return v.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return v.longValue();
  }

  /** The canonical form Kubernetes serializes: {@code 500m}, {@code 1536Mi}, {@code 2k}. */
  @Override
  public String toString() {
    if (amount.signum() == 0) {
      return "0";
    }
    Format f = format;
    if (f == Format.BINARY_SI) {
      boolean small = amount.abs().compareTo(BigDecimal.valueOf(1024)) < 0;
      boolean whole = amount.stripTrailingZeros().scale() <= 0;
      if (small || !whole) {
        f = Format.DECIMAL_SI;
      }
    }
    if (f == Format.BINARY_SI) {
      BigInteger number = amount.toBigIntegerExact();
      int power = 0;
      BigInteger k = BigInteger.valueOf(1024);
      while (power < BINARY_BY_POWER.length - 1 && number.mod(k).signum() == 0) {
        number = number.divide(k);
        power++;
      }
      return number + BINARY_BY_POWER[power];
    }
    // mantissa * 10^exponent with the exponent a multiple of three, as small a mantissa as exact.
    BigInteger unscaled = amount.unscaledValue();
    int exponent = -amount.scale();
    int rem = Math.floorMod(exponent, 3);
    if (rem != 0) {
      unscaled = unscaled.multiply(BigInteger.TEN.pow(rem));
      exponent -= rem;
    }
    if (f == Format.DECIMAL_EXPONENT) {
      return unscaled + (exponent == 0 ? "" : "e" + exponent);
    }
    int idx = exponent / 3 + 3;
    if (idx >= 0 && idx < DECIMAL_BY_EXPONENT.length) {
      return unscaled + DECIMAL_BY_EXPONENT[idx];
    }
    return unscaled + "e" + exponent;
  }

  private record Parts(boolean positive, String num, String denom, String suffix) {}

  /** parseQuantityString: sign, integer digits, fraction digits, suffix. */
  private static Parts split(String str) {
    boolean positive = true;
    int pos = 0;
    int end = str.length();
    if (str.charAt(0) == '-') {
      positive = false;
      pos++;
    } else if (str.charAt(0) == '+') {
      pos++;
    }
    while (pos < end && str.charAt(pos) == '0') {
      pos++;
    }
    if (pos >= end) {
      return new Parts(positive, "0", "", "");
    }
    int numStart = pos;
    while (pos < end && isDigit(str.charAt(pos))) {
      pos++;
    }
    String num = pos == numStart ? "0" : str.substring(numStart, pos);
    String denom = "";
    if (pos < end && str.charAt(pos) == '.') {
      pos++;
      int denomStart = pos;
      while (pos < end && isDigit(str.charAt(pos))) {
        pos++;
      }
      denom = str.substring(denomStart, pos);
    }
    int suffixStart = pos;
    while (pos < end && "eEinumkKMGTP".indexOf(str.charAt(pos)) >= 0) {
      pos++;
    }
    if (pos < end && (str.charAt(pos) == '-' || str.charAt(pos) == '+')) {
      pos++;
    }
    while (pos < end && isDigit(str.charAt(pos))) {
      pos++;
    }
    if (pos < end) {
      throw new FormatException(FORMAT_ERROR);
    }
    return new Parts(positive, num, denom, str.substring(suffixStart));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
