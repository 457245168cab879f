package io.akkube.core.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.ApiException;
import io.akkube.core.api.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

  private static final Map<String, String> WEB = Map.of("app", "web", "env", "prod");
  private static final Map<String, String> DB = Map.of("app", "db", "env", "dev");
  private static final Map<String, String> NONE = Map.of();

  @Test
  void equalsAndDoubleEqualsSelectObjectsWithThatValue() {
    for (String s : new String[] {"app=web", "app==web"}) {
      LabelSelector sel = LabelSelector.parse(s);
      assertThat(sel.matches(WEB)).isTrue();
      assertThat(sel.matches(DB)).isFalse();
      assertThat(sel.matches(NONE)).isFalse();
    }
  }

  @Test
  void notEqualsAlsoSelectsObjectsWithoutTheLabel() {
    LabelSelector sel = LabelSelector.parse("app!=web");
    assertThat(sel.matches(WEB)).isFalse();
    assertThat(sel.matches(DB)).isTrue();
    assertThat(sel.matches(NONE)).isTrue();
  }

  @Test
  void inSelectsAnyListedValueAndNotinSelectsTheRestIncludingAbsent() {
    LabelSelector in = LabelSelector.parse("env in (prod, staging)");
    assertThat(in.matches(WEB)).isTrue();
    assertThat(in.matches(DB)).isFalse();
    assertThat(in.matches(NONE)).isFalse();

    LabelSelector notin = LabelSelector.parse("env notin (prod)");
    assertThat(notin.matches(WEB)).isFalse();
    assertThat(notin.matches(DB)).isTrue();
    assertThat(notin.matches(NONE)).isTrue();
  }

  @Test
  void bareKeyRequiresTheLabelAndBangKeyItsAbsence() {
    assertThat(LabelSelector.parse("app").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app").matches(NONE)).isFalse();
    assertThat(LabelSelector.parse("!app").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("!app").matches(NONE)).isTrue();
  }

  @Test
  void greaterAndLessThanCompareIntegers() {
    assertThat(LabelSelector.parse("rank>2").matches(Map.of("rank", "3"))).isTrue();
    assertThat(LabelSelector.parse("rank>2").matches(Map.of("rank", "x"))).isFalse();
    assertThat(LabelSelector.parse("rank<2").matches(Map.of("rank", "1"))).isTrue();
  }

  @Test
  void commaMeansAndAndWhitespaceIsTolerated() {
    LabelSelector sel = LabelSelector.parse("  app = web ,  env in ( prod , dev ) , !canary ");
    assertThat(sel.matches(WEB)).isTrue();
    assertThat(sel.matches(Map.of("app", "web", "env", "prod", "canary", "1"))).isFalse();
    assertThat(sel.matches(DB)).isFalse();
  }

  @Test
  void keywordsAreOrdinaryValues() {
    assertThat(LabelSelector.parse("mode=in").matches(Map.of("mode", "in"))).isTrue();
    assertThat(LabelSelector.parse("mode in (notin)").matches(Map.of("mode", "notin"))).isTrue();
  }

  @Test
  void emptyValuesAreAllowed() {
    assertThat(LabelSelector.parse("app=").matches(Map.of("app", ""))).isTrue();
    assertThat(LabelSelector.parse("app in (,a)").matches(Map.of("app", ""))).isTrue();
  }

  @Test
  void emptyAndNullSelectEverything() {
    assertThat(LabelSelector.parse("").isEmpty()).isTrue();
    assertThat(LabelSelector.parse(null).isEmpty()).isTrue();
    assertThat(LabelSelector.parse("   ").matches(NONE)).isTrue();
  }

  @Test
  void printsTheCanonicalFormSortedByKey() {
    assertThat(LabelSelector.parse("tier in (b,a),app==web,!canary,x notin (z, y)").toString())
        .isEqualTo("app==web,!canary,tier in (a,b),x notin (y,z)");
  }

  @Test
  void requiredValueIsKnownOnlyForASingleAllowedValue() {
    LabelSelector sel = LabelSelector.parse("app=web,env in (a,b),tier in (x)");
    assertThat(sel.requiredValue("app")).contains("web");
    assertThat(sel.requiredValue("tier")).contains("x");
    assertThat(sel.requiredValue("env")).isEmpty();
    assertThat(sel.requiredValue("other")).isEmpty();
  }

  @Test
  void syntaxErrorsAreBadRequestsWordedAsKubernetes() {
    assertRejected(
        "a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    assertRejected("app=web=x", "found '=', expected: ',' or 'end of string'");
    assertRejected(",app", "found ',', expected: !, identifier, or 'end of string'");
    assertRejected("app,", "found '', expected: identifier after ','");
    assertRejected("app in a", "unable to parse requirement: found 'a' expected: '('");
    assertRejected("app in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'");
    assertRejected("!", "unable to parse requirement: found '', expected: identifier");
  }

  @Test
  void invalidKeysAndValuesAreRejectedWithTheValidationMessage() {
    assertRejected(
        "-app=x",
        "unable to parse requirement: <nil>: Invalid value: \"-app\": name part must consist of"
            + " alphanumeric characters, '-', '_' or '.', and must start and end with an"
            + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used"
            + " for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assertRejected(
        "app=-x",
        "unable to parse requirement: values[0][app]: Invalid value: \"-x\": a valid label must"
            + " be an empty string or consist of alphanumeric characters, '-', '_' or '.', and"
            + " must start and end with an alphanumeric character (e.g. 'MyValue',  or"
            + " 'my_value',  or '12345', regex used for validation is"
            + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    assertRejected(
        "rank>x",
        "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators,"
            + " the value must be an integer");
  }

  @Test
  void prefixedKeysAreValid() {
    assertThat(
            LabelSelector.parse("app.kubernetes.io/name=web")
                .matches(Map.of("app.kubernetes.io/name", "web")))
        .isTrue();
  }

  @Test
  void structuredSelectorCombinesMatchLabelsAndExpressions() {
    JsonNode json =
        json(
            "{'matchLabels':{'app':'web'},'matchExpressions':["
                + "{'key':'env','operator':'In','values':['prod','staging']},"
                + "{'key':'canary','operator':'DoesNotExist'},"
                + "{'key':'tier','operator':'Exists'},"
                + "{'key':'zone','operator':'NotIn','values':['b']}]}");
    LabelSelector sel = LabelSelector.fromJson(json);
    assertThat(sel.matches(Map.of("app", "web", "env", "prod", "tier", "x"))).isTrue();
    assertThat(sel.matches(Map.of("app", "web", "env", "prod"))).isFalse();
    assertThat(sel.matches(Map.of("app", "web", "env", "prod", "tier", "x", "zone", "b")))
        .isFalse();
    assertThat(sel.toString())
        .isEqualTo("app=web,!canary,env in (prod,staging),tier,zone notin (b)");
  }

  @Test
  void missingStructuredSelectorMatchesNothingAndEmptyMatchesEverything() {
    assertThat(LabelSelector.fromJson(null).matches(NONE)).isFalse();
    assertThat(LabelSelector.fromJson(null).isEmpty()).isFalse();
    assertThat(LabelSelector.fromJson(json("{}")).matches(WEB)).isTrue();
    assertThat(LabelSelector.fromJson(json("{}")).isEmpty()).isTrue();
  }

  @Test
  void structuredSelectorErrorsAreWordedAsKubernetes() {
    assertThatThrownBy(
            () ->
                LabelSelector.fromJson(json("{'matchExpressions':[{'key':'a','operator':'Is'}]}")))
        .isInstanceOf(ApiException.class)
        .hasMessage("\"Is\" is not a valid label selector operator");
    assertThatThrownBy(
            () ->
                LabelSelector.fromJson(json("{'matchExpressions':[{'key':'a','operator':'In'}]}")))
        .hasMessage(
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't"
                + " be empty");
    assertThatThrownBy(
            () ->
                LabelSelector.fromJson(
                    json("{'matchExpressions':[{'key':'a','operator':'Exists','values':['x']}]}")))
        .hasMessage(
            "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does"
                + " not exist");
    assertThatThrownBy(() -> LabelSelector.fromJson(json("{'matchLabels':{'a b':'x'}}")))
        .hasMessageStartingWith("key: Invalid value: \"a b\": name part must consist of");
  }

  private static void assertRejected(String selector, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(selector))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(400);
              assertThat(e.status().reason()).isEqualTo("BadRequest");
              assertThat(e.status().message()).isEqualTo(message);
            });
  }

  static JsonNode json(String singleQuoted) {
    try {
      return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
