package io.akkube.core.quantity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantityTest {

  @Test
  void printsTheCanonicalFormKubernetesSerializes() {
    assertThat(Quantity.parse("100m")).hasToString("100m");
    assertThat(Quantity.parse("0.5")).hasToString("500m");
    assertThat(Quantity.parse("1000m")).hasToString("1");
    assertThat(Quantity.parse("1500")).hasToString("1500");
    assertThat(Quantity.parse("1.5k")).hasToString("1500");
    assertThat(Quantity.parse("2000")).hasToString("2k");
    assertThat(Quantity.parse("128Mi")).hasToString("128Mi");
    assertThat(Quantity.parse("1024Ki")).hasToString("1Mi");
    assertThat(Quantity.parse("1.5Gi")).hasToString("1536Mi");
    assertThat(Quantity.parse("0.5Ki")).hasToString("512");
    assertThat(Quantity.parse("1.1Ki")).hasToString("1126400m");
    assertThat(Quantity.parse("1G")).hasToString("1G");
    assertThat(Quantity.parse("1e3")).hasToString("1e3");
    assertThat(Quantity.parse("1.5e3")).hasToString("1500");
    assertThat(Quantity.parse("0")).hasToString("0");
    assertThat(Quantity.parse("-100m")).hasToString("-100m");
    assertThat(Quantity.parse("0.0000000001")).hasToString("1n");
  }

  @Test
  void valuesRoundAwayFromZero() {
    assertThat(Quantity.parse("100m").milliValue()).isEqualTo(100);
    assertThat(Quantity.parse("2Ki").value()).isEqualTo(2048);
    assertThat(Quantity.parse("1.5").value()).isEqualTo(2);
    assertThat(Quantity.parse("1n").milliValue()).isEqualTo(1);
    assertThat(Quantity.parse("1G").value()).isEqualTo(1_000_000_000L);
    assertThat(Quantity.parse("128Mi").value()).isEqualTo(134_217_728L);
  }

  @Test
  void arithmeticIsExactAndKeepsTheReceiversFormat() {
    Quantity sum = Quantity.parse("100m").add(Quantity.parse("0.9"));
    assertThat(sum).hasToString("1");
    assertThat(Quantity.parse("1Gi").subtract(Quantity.parse("512Mi"))).hasToString("512Mi");
    assertThat(Quantity.parse("1").compareTo(Quantity.parse("1000m"))).isZero();
    assertThat(Quantity.parse("1Ki").compareTo(Quantity.parse("1k"))).isPositive();
    assertThat(Quantity.parse("250m").multiply(4)).hasToString("1");
  }

  @Test
  void badQuantitiesFailWithKubernetesMessages() {
    for (String bad : List.of("", "abc", "1.2.3", "1x", "1Kb")) {
      assertThatThrownBy(() -> Quantity.parse(bad))
          .isInstanceOf(Quantity.FormatException.class)
          .hasMessage(
              "quantities must match the regular expression"
                  + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    assertThatThrownBy(() -> Quantity.parse("1KK")).hasMessage("unable to parse quantity's suffix");
  }

  @Test
  void hugeExponentsStayCheap() {
    Quantity huge = Quantity.parse("1e999999999");
    assertThat(huge).hasToString("1e999999999");
    assertThat(huge.value()).isEqualTo(Long.MAX_VALUE);
    assertThat(Quantity.parse("1e-999999999")).hasToString("1e-9");
    assertThat(Quantity.parse("16Ei").value()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void bareJsonNumbersAreQuantitiesToo() {
    assertThat(Quantity.fromJson(JsonNodeFactory.instance.numberNode(0.5))).hasToString("500m");
    assertThat(Quantity.fromJson(JsonNodeFactory.instance.numberNode(2))).hasToString("2");
    assertThat(Quantity.parseError(JsonNodeFactory.instance.textNode("1x"))).isNotNull();
  }

  @Test
  void theCanonicalFormParsesBackToTheSameQuantity() {
    Random random = new Random(42);
    List<String> suffixes =
        List.of("", "n", "u", "m", "k", "M", "G", "T", "Ki", "Mi", "Gi", "e3", "e-2");
    for (int i = 0; i < 5000; i++) {
      long whole = random.nextInt(100_000);
      String text =
          (random.nextBoolean() ? "" : "-")
              + whole
              + (random.nextBoolean() ? "." + random.nextInt(1000) : "")
              + suffixes.get(random.nextInt(suffixes.size()));
      Quantity q = Quantity.parse(text);
      Quantity again = Quantity.parse(q.toString());
      assertThat(again.compareTo(q)).as(text + " -> " + q).isZero();
      assertThat(again.toString()).as(text).isEqualTo(q.toString());
    }
  }

  @Test
  void additionIsCommutativeAndSubtractionUndoesIt() {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      Quantity a = Quantity.ofMilli(random.nextInt(1_000_000) - 500_000);
      Quantity b = Quantity.parse(random.nextInt(4096) + "Mi");
      assertThat(a.add(b).compareTo(b.add(a))).isZero();
      assertThat(a.add(b).subtract(b).compareTo(a)).isZero();
      assertThat(a.add(b).amount().compareTo(a.amount().add(b.amount()))).isZero();
    }
  }
}
