package io.akkube.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameValidationTest {

  private static final String SUBDOMAIN_MESSAGE =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character (e.g. 'example.com',"
          + " regex used for validation is"
          + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  @Test
  void subdomainsAcceptDotsAndRejectCapitalsWithKubernetesWording() {
    assertThat(NameValidation.isDNS1123Subdomain("my-app.example.com")).isEmpty();
    assertThat(NameValidation.isDNS1123Subdomain("Bad_Name")).containsExactly(SUBDOMAIN_MESSAGE);
    assertThat(NameValidation.isDNS1123Subdomain("a".repeat(254)))
        .containsExactly("must be no more than 253 characters");
  }

  @Test
  void labelsRejectDotsAndLongNames() {
    assertThat(NameValidation.isDNS1123Label("web-1")).isEmpty();
    assertThat(NameValidation.isDNS1123Label("web.1"))
        .containsExactly(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
                + " and must start and end with an alphanumeric character (e.g. 'my-name',  or"
                + " '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    assertThat(NameValidation.isDNS1123Label("a".repeat(64))).hasSize(1);
  }

  @Test
  void qualifiedNamesAllowAPrefixAndExplainEachPart() {
    assertThat(NameValidation.isQualifiedName("app.kubernetes.io/name")).isEmpty();
    assertThat(NameValidation.isQualifiedName("MyName")).isEmpty();
    assertThat(NameValidation.isQualifiedName("/name"))
        .containsExactly("prefix part must be non-empty");
    assertThat(NameValidation.isQualifiedName("example.com/"))
        .containsExactly(
            "name part must be non-empty",
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and"
                + " end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
                + " '123-abc', regex used for validation is"
                + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assertThat(NameValidation.isQualifiedName("a/b/c"))
        .singleElement()
        .asString()
        .startsWith("a qualified name must consist");
    assertThat(NameValidation.isQualifiedName("Bad_Prefix/x"))
        .singleElement()
        .asString()
        .startsWith("prefix part a lowercase RFC 1123 subdomain");
  }

  @Test
  void labelValuesMayBeEmptyButNotLong() {
    assertThat(NameValidation.isValidLabelValue("")).isEmpty();
    assertThat(NameValidation.isValidLabelValue("v1.2_3")).isEmpty();
    assertThat(NameValidation.isValidLabelValue("-bad")).hasSize(1);
    assertThat(NameValidation.isValidLabelValue("a".repeat(64)))
        .containsExactly("must be no more than 63 characters");
  }

  @Test
  void portNamesFollowIanaServiceNames() {
    assertThat(NameValidation.isValidPortName("http-web")).isEmpty();
    assertThat(NameValidation.isValidPortName("8080"))
        .containsExactly("must contain at least one letter (a-z)");
    assertThat(NameValidation.isValidPortName("a--b"))
        .containsExactly("must not contain consecutive hyphens");
    assertThat(NameValidation.isValidPortName("Http"))
        .containsExactly("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    assertThat(NameValidation.isValidPortName("averyveryverylongname"))
        .contains("must be no more than 15 characters");
    assertThat(NameValidation.isValidPortNum(70000))
        .containsExactly("must be between 1 and 65535, inclusive");
  }

  @Test
  void envVarNamesAndConfigKeysRejectDotDirectories() {
    assertThat(NameValidation.isEnvVarName("MY_ENV.name-1")).isEmpty();
    assertThat(NameValidation.isEnvVarName("1ABC")).hasSize(1);
    assertThat(NameValidation.isConfigMapKey("app.properties")).isEmpty();
    assertThat(NameValidation.isConfigMapKey("..data")).containsExactly("must not start with '..'");
    assertThat(NameValidation.isConfigMapKey("a/b")).hasSize(1);
    assertThat(NameValidation.isCIdentifier("_ok1")).isEmpty();
    assertThat(NameValidation.isCIdentifier("no-dash")).hasSize(1);
  }

  @Test
  void pathSegmentNamesOnlyForbidSlashesPercentAndDots() {
    assertThat(NameValidation.isValidPathSegmentName("pod.17a3b:Weird_Name")).isEmpty();
    assertThat(NameValidation.isValidPathSegmentName("..")).containsExactly("may not be '..'");
    assertThat(NameValidation.isValidPathSegmentName("a/b%c"))
        .containsExactly("may not contain '/'", "may not contain '%'");
  }
}
