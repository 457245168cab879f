package io.akkube.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PodTemplateHashTest {

  private static final String TEMPLATE =
      "{'metadata':{'labels':{'app':'web','tier':'front'}},"
          + "'spec':{'containers':[{'name':'web','image':'nginx:1.25'}]}}";

  @Test
  void hashIsStableAndIndependentOfFieldOrder() {
    ObjectNode a = Trees.json(TEMPLATE);
    ObjectNode b =
        Trees.json(
            "{'spec':{'containers':[{'image':'nginx:1.25','name':'web'}]},"
                + "'metadata':{'labels':{'tier':'front','app':'web'}}}");
    assertThat(PodTemplateHash.compute(a, null)).isEqualTo(PodTemplateHash.compute(b, null));
    assertThat(PodTemplateHash.compute(a, null)).isEqualTo(PodTemplateHash.compute(a, null));
  }

  @Test
  void hashUsesKubernetesAlphabetAndChangesWithTemplateAndCollisionCount() {
    ObjectNode a = Trees.json(TEMPLATE);
    String hash = PodTemplateHash.compute(a, null);
    assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    ObjectNode changed = Trees.json(TEMPLATE.replace("nginx:1.25", "nginx:1.26"));
    assertThat(PodTemplateHash.compute(changed, null)).isNotEqualTo(hash);
    assertThat(PodTemplateHash.compute(a, 1)).isNotEqualTo(hash);
    assertThat(PodTemplateHash.compute(a, 1)).isNotEqualTo(PodTemplateHash.compute(a, 2));
  }

  @Test
  void fnv1aAndSafeEncodeMatchTheirDefinitions() {
    // FNV-1a 32 of "a" is 0xe40c292c; of "" the offset basis 0x811c9dc5.
    assertThat(PodTemplateHash.fnv1a(0x811c9dc5, "a".getBytes())).isEqualTo(0xe40c292c);
    // '0' is byte 48: 48 % 27 = 21 -> '4'; '9' is 57 % 27 = 3 -> 'f'.
    assertThat(PodTemplateHash.safeEncodeString("09")).isEqualTo("4f");
  }

  @Test
  void templatesEqualIgnoringTheHashLabelAndEmptyValues() {
    ObjectNode a = Trees.json(TEMPLATE);
    ObjectNode b = Trees.json(TEMPLATE);
    b.with("metadata").with("labels").put(PodTemplateHash.LABEL, "abc");
    b.with("metadata").putObject("annotations");
    b.with("spec").putNull("nodeSelector");
    assertThat(PodTemplateHash.equalIgnoringHash(a, b)).isTrue();
    b.with("metadata").with("labels").put("tier", "back");
    assertThat(PodTemplateHash.equalIgnoringHash(a, b)).isFalse();
  }
}
