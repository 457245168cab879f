package io.akkube.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpansionTest {

  private final Map<String, String> env = Map.of("VAR_A", "A", "VAR_EMPTY", "");

  @Test
  void definedVariablesAreReplaced() {
    assertThat(EnvExpansion.expand("x $(VAR_A) y", env)).isEqualTo("x A y");
    assertThat(EnvExpansion.expand("$(VAR_A)$(VAR_A)", env)).isEqualTo("AA");
    assertThat(EnvExpansion.expand("[$(VAR_EMPTY)]", env)).isEqualTo("[]");
  }

  @Test
  void undefinedVariablesStayAsWritten() {
    assertThat(EnvExpansion.expand("$(NOPE)", env)).isEqualTo("$(NOPE)");
    assertThat(EnvExpansion.expand("$()", env)).isEqualTo("$()");
  }

  @Test
  void doubleDollarEscapes() {
    assertThat(EnvExpansion.expand("$$(VAR_A)", env)).isEqualTo("$(VAR_A)");
    assertThat(EnvExpansion.expand("$$$(VAR_A)", env)).isEqualTo("$A");
    assertThat(EnvExpansion.expand("$$$$", env)).isEqualTo("$$");
  }

  @Test
  void otherDollarsAreLiteral() {
    assertThat(EnvExpansion.expand("$VAR_A ${VAR_A} $", env)).isEqualTo("$VAR_A ${VAR_A} $");
    assertThat(EnvExpansion.expand("$(VAR_A", env)).isEqualTo("$(VAR_A");
    assertThat(EnvExpansion.expand("echo $(VAR_A) $1", env)).isEqualTo("echo A $1");
  }
}
