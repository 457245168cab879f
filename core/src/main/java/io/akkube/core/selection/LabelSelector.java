package io.akkube.core.selection;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.FieldError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A label selector as k8s.io/apimachinery/pkg/labels understands it: the string syntax of the
 * {@code labelSelector} query parameter ({@link #parse}) and the structured metav1.LabelSelector of
 * workload specs ({@link #fromJson}). Requirements are ANDed and kept sorted by key, so {@link
 * #toString()} is the canonical form Kubernetes prints.
 */
public final class LabelSelector {

  /**
   * The operators of k8s.io/apimachinery/pkg/selection, spelled as the string syntax spells them.
   */
  public enum Operator {
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    IN(" in "),
    NOT_IN(" notin "),
    EXISTS(""),
    DOES_NOT_EXIST(""),
    GREATER_THAN(">"),
    LESS_THAN("<");

    final String spelling;

    Operator(String spelling) {
      this.spelling = spelling;
    }
  }

  /** One ANDed term: {@code key operator values}. */
  public record Requirement(String key, Operator operator, List<String> values) {

    public Requirement {
      values = List.copyOf(values);
    }

    public boolean matches(Map<String, String> labels) {
      String actual = labels.get(key);
      return switch (operator) {
        case EQUALS, DOUBLE_EQUALS, IN -> actual != null && values.contains(actual);
        case NOT_EQUALS, NOT_IN -> actual == null || !values.contains(actual);
        case EXISTS -> actual != null;
        case DOES_NOT_EXIST -> actual == null;
        case GREATER_THAN, LESS_THAN -> actual != null && compares(actual);
      };
    }

    private boolean compares(String actual) {
      try {
        long have = Long.parseLong(actual);
        long want = Long.parseLong(values.get(0));
        return operator == Operator.GREATER_THAN ? have > want : have < want;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    /** As Kubernetes prints it: {@code !k}, {@code k}, {@code k=v}, {@code k in (a,b)}. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      if (operator == Operator.DOES_NOT_EXIST) {
        sb.append('!');
      }
      sb.append(key);
      if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
        return sb.toString();
      }
      boolean set = operator == Operator.IN || operator == Operator.NOT_IN;
      sb.append(operator.spelling).append(set ? "(" : "");
      sb.append(String.join(",", values.stream().sorted().toList()));
      return sb.append(set ? ")" : "").toString();
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
  private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

  private final List<Requirement> requirements;
  private final boolean matchesNothing;

  private LabelSelector(List<Requirement> requirements, boolean matchesNothing) {
    List<Requirement> sorted = new ArrayList<>(requirements);
    sorted.sort(Comparator.comparing(Requirement::key));
    this.requirements = List.copyOf(sorted);
    this.matchesNothing = matchesNothing;
  }

  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /** What a null metav1.LabelSelector means: no object is selected. */
  public static LabelSelector nothing() {
    return NOTHING;
  }

  /**
   * Parses the string syntax ({@code app=web,tier in (a,b),!canary}). Null or blank selects
   * everything.
   *
   * @throws io.akkube.core.api.ApiException 400 BadRequest worded as labels.Parse
   */
  public static LabelSelector parse(String selector) {
    if (selector == null) {
      return EVERYTHING;
    }
    try {
      return new LabelSelector(new Parser(selector).parse(), false);
    } catch (SyntaxError e) {
      throw ApiStatus.badRequest(e.getMessage()).exception();
    }
  }

  /**
   * Converts a metav1.LabelSelector ({@code matchLabels}, {@code matchExpressions}) as
   * LabelSelectorAsSelector does: a missing (null) selector matches nothing, an empty one
   * everything.
   *
   * @throws io.akkube.core.api.ApiException 400 BadRequest for an invalid key, value or operator
   */
  public static LabelSelector fromJson(JsonNode labelSelector) {
    if (labelSelector == null || labelSelector.isNull() || labelSelector.isMissingNode()) {
      return NOTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    JsonNode matchLabels = labelSelector.path("matchLabels");
    for (Iterator<Map.Entry<String, JsonNode>> it = matchLabels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      requirements.add(validated(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText())));
    }
    for (JsonNode expression : labelSelector.path("matchExpressions")) {
      String operatorName = expression.path("operator").asText();
      Operator operator =
          switch (operatorName) {
            case "In" -> Operator.IN;
            case "NotIn" -> Operator.NOT_IN;
            case "Exists" -> Operator.EXISTS;
            case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
            default ->
                throw ApiStatus.badRequest(
                        '"' + operatorName + "\" is not a valid label selector operator")
                    .exception();
          };
      List<String> values = new ArrayList<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      requirements.add(validated(expression.path("key").asText(), operator, values));
    }
    return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements, false);
  }

  private static Requirement validated(String key, Operator operator, List<String> values) {
    List<String> errors = requirementErrors(key, operator, values, "key");
    if (!errors.isEmpty()) {
      throw ApiStatus.badRequest(aggregate(errors)).exception();
    }
    return new Requirement(key, operator, values);
  }

  public boolean matches(Map<String, String> labels) {
    if (matchesNothing) {
      return false;
    }
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** True when the selector does not restrict anything (a "nothing" selector is not empty). */
  public boolean isEmpty() {
    return !matchesNothing && requirements.isEmpty();
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /**
   * The single value {@code key} must have ({@code key=v}, {@code key==v} or {@code key in (v)}),
   * for index lookups; empty when the selector allows several values or does not mention the key.
   */
  public Optional<String> requiredValue(String key) {
    for (Requirement r : requirements) {
      if (r.key().equals(key)) {
        boolean exact =
            r.operator() == Operator.EQUALS
                || r.operator() == Operator.DOUBLE_EQUALS
                || r.operator() == Operator.IN;
        return exact && r.values().size() == 1 ? Optional.of(r.values().get(0)) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return String.join(",", requirements.stream().map(Requirement::toString).toList());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector other
        && other.matchesNothing == matchesNothing
        && other.requirements.equals(requirements);
  }

  @Override
  public int hashCode() {
    return requirements.hashCode() * 31 + (matchesNothing ? 1 : 0);
  }

  // ---- validation, worded as k8s.io/apimachinery/pkg/util/validation ----

  private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern QUALIFIED_NAME = Pattern.compile("^" + QUALIFIED_NAME_FMT + "$");
  private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
  private static final Pattern LABEL_VALUE = Pattern.compile("^" + LABEL_VALUE_FMT + "$");
  private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_SUBDOMAIN_FMT =
      DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("^" + DNS1123_SUBDOMAIN_FMT + "$");

  /** The validation failures of one requirement, as NewRequirement words them. */
  private static List<String> requirementErrors(
      String key, Operator operator, List<String> values, String keyPath) {
    List<String> errors = new ArrayList<>();
    keyError(key, keyPath).ifPresent(errors::add);
    switch (operator) {
      case IN, NOT_IN -> {
        if (values.isEmpty()) {
          errors.add(valuesError(values, "for 'in', 'notin' operators, values set can't be empty"));
        }
      }
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
        if (values.size() != 1) {
          errors.add(valuesError(values, "exact-match compatibility requires one single value"));
        }
      }
      case EXISTS, DOES_NOT_EXIST -> {
        if (!values.isEmpty()) {
          errors.add(valuesError(values, "values set must be empty for exists and does not exist"));
        }
      }
      case GREATER_THAN, LESS_THAN -> {
        if (values.size() != 1) {
          errors.add(
              valuesError(values, "for 'Gt', 'Lt' operators, exactly one value is required"));
        }
        for (int i = 0; i < values.size(); i++) {
          try {
            Long.parseLong(values.get(i));
          } catch (NumberFormatException e) {
            errors.add(
                FieldError.invalid(
                        "values[" + i + "]",
                        values.get(i),
                        "for 'Gt', 'Lt' operators, the value must be an integer")
                    .message());
          }
        }
      }
    }
    for (int i = 0; i < values.size(); i++) {
      List<String> problems = labelValueProblems(values.get(i));
      if (!problems.isEmpty()) {
        errors.add(
            FieldError.invalid(
                    "values[" + i + "][" + key + "]", values.get(i), String.join("; ", problems))
                .message());
      }
    }
    return errors;
  }

  /** Go's {@code %#v} of a []string, which is how Kubernetes shows a bad value set. */
  private static String valuesError(List<String> values, String detail) {
    String rendered =
        values.isEmpty()
            ? "[]string(nil)"
            : "[]string{"
                + String.join(
                    ", ", values.stream().map(v -> '"' + v.replace("\"", "\\\"") + '"').toList())
                + "}";
    return new FieldError(FieldError.Type.INVALID, "values", rendered, detail).message();
  }

  private static Optional<String> keyError(String key, String path) {
    List<String> problems = qualifiedNameProblems(key);
    return problems.isEmpty()
        ? Optional.empty()
        : Optional.of(FieldError.invalid(path, key, String.join("; ", problems)).message());
  }

  static List<String> qualifiedNameProblems(String value) {
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      name = parts[1];
      if (prefix.isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        if (prefix.length() > 253) {
          errs.add("prefix part must be no more than 253 characters");
        }
        if (!DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
          errs.add(
              "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                  + " characters, '-' or '.', and must start and end with an alphanumeric"
                  + " character"
                  + examples(DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
      }
    } else {
      errs.add(
          "a qualified name "
              + QUALIFIED_NAME_MESSAGE
              + examples(QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
              + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errs;
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part must be no more than 63 characters");
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      errs.add(
          "name part "
              + QUALIFIED_NAME_MESSAGE
              + examples(QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  private static final String QUALIFIED_NAME_MESSAGE =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character";

  static List<String> labelValueProblems(String value) {
    List<String> errs = new ArrayList<>();
    if (value.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_'"
              + " or '.', and must start and end with an alphanumeric character"
              + examples(LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
    }
    return errs;
  }

  /** The tail of validation.RegexError: {@code (e.g. 'a' or 'b', regex used ... is '...')}. */
  private static String examples(String regex, String... examples) {
    StringBuilder sb = new StringBuilder(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      sb.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
    }
    return sb.append("regex used for validation is '").append(regex).append("')").toString();
  }

  /**
   * utilerrors.NewAggregate(...).Error(): one message bare, several bracketed and de-duplicated.
   */
  private static String aggregate(List<String> errors) {
    Set<String> unique = new LinkedHashSet<>(errors);
    return unique.size() == 1 ? unique.iterator().next() : "[" + String.join(", ", unique) + "]";
  }

  // ---- the string syntax: a lexer and recursive-descent parser after labels.Parse ----

  private static final class SyntaxError extends RuntimeException {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private enum Token {
    ERROR,
    END_OF_STRING,
    CLOSED_PAR,
    COMMA,
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    GREATER_THAN,
    IDENTIFIER,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    OPEN_PAR
  }

  private record Scanned(Token token, String literal) {}

  private static Token keyword(String s) {
    return switch (s) {
      case ")" -> Token.CLOSED_PAR;
      case "," -> Token.COMMA;
      case "!" -> Token.DOES_NOT_EXIST;
      case "==" -> Token.DOUBLE_EQUALS;
      case "=" -> Token.EQUALS;
      case ">" -> Token.GREATER_THAN;
      case "in" -> Token.IN;
      case "<" -> Token.LESS_THAN;
      case "!=" -> Token.NOT_EQUALS;
      case "notin" -> Token.NOT_IN;
      case "(" -> Token.OPEN_PAR;
      default -> null;
    };
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isSpecialSymbol(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
  }

  private static List<Scanned> scan(String s) {
    List<Scanned> items = new ArrayList<>();
    int pos = 0;
    while (true) {
      while (pos < s.length() && isWhitespace(s.charAt(pos))) {
        pos++;
      }
      if (pos >= s.length()) {
        items.add(new Scanned(Token.END_OF_STRING, ""));
        return items;
      }
      int start = pos;
      if (isSpecialSymbol(s.charAt(pos))) {
        // Longest run of special symbols that still spells an operator.
        Scanned last = null;
        while (pos < s.length() && isSpecialSymbol(s.charAt(pos))) {
          Token t = keyword(s.substring(start, pos + 1));
          if (t != null) {
            last = new Scanned(t, s.substring(start, pos + 1));
          } else if (last != null) {
            break;
          }
          pos++;
        }
        if (last == null) {
          items.add(
              new Scanned(
                  Token.ERROR, "error expected: keyword found '" + s.substring(start, pos) + "'"));
        } else {
          pos = start + last.literal().length();
          items.add(last);
        }
      } else {
        while (pos < s.length()
            && !isSpecialSymbol(s.charAt(pos))
            && !isWhitespace(s.charAt(pos))) {
          pos++;
        }
        String word = s.substring(start, pos);
        Token t = keyword(word);
        items.add(new Scanned(t == null ? Token.IDENTIFIER : t, word));
      }
    }
  }

  private static final class Parser {
    private final List<Scanned> items;
    private int position;

    Parser(String selector) {
      this.items = scan(selector);
    }

    /** In value context the keywords {@code in} and {@code notin} are ordinary identifiers. */
    private Scanned lookahead(boolean values) {
      return asContext(items.get(position), values);
    }

    private Scanned consume(boolean values) {
      return asContext(items.get(position++), values);
    }

    private static Scanned asContext(Scanned s, boolean values) {
      if (values && (s.token() == Token.IN || s.token() == Token.NOT_IN)) {
        return new Scanned(Token.IDENTIFIER, s.literal());
      }
      return s;
    }

    List<Requirement> parse() {
      List<Requirement> requirements = new ArrayList<>();
      while (true) {
        Scanned next = lookahead(true);
        switch (next.token()) {
          case IDENTIFIER, DOES_NOT_EXIST -> {
            try {
              requirements.add(parseRequirement());
            } catch (SyntaxError e) {
              throw new SyntaxError("unable to parse requirement: " + e.getMessage());
            }
            Scanned after = consume(true);
            switch (after.token()) {
              case END_OF_STRING -> {
                return requirements;
              }
              case COMMA -> {
                Scanned t2 = lookahead(true);
                if (t2.token() != Token.IDENTIFIER && t2.token() != Token.DOES_NOT_EXIST) {
                  throw new SyntaxError(
                      "found '" + t2.literal() + "', expected: identifier after ','");
                }
              }
              default ->
                  throw new SyntaxError(
                      "found '" + after.literal() + "', expected: ',' or 'end of string'");
            }
          }
          case END_OF_STRING -> {
            return requirements;
          }
          default ->
              throw new SyntaxError(
                  "found '" + next.literal() + "', expected: !, identifier, or 'end of string'");
        }
      }
    }

    private Requirement parseRequirement() {
      Operator operator = null;
      Scanned t = consume(true);
      if (t.token() == Token.DOES_NOT_EXIST) {
        operator = Operator.DOES_NOT_EXIST;
        t = consume(true);
      }
      if (t.token() != Token.IDENTIFIER) {
        throw new SyntaxError("found '" + t.literal() + "', expected: identifier");
      }
      String key = t.literal();
      // labels.Parse validates the key against a nil field path, hence "<nil>".
      keyError(key, "<nil>")
          .ifPresent(
              e -> {
                throw new SyntaxError(e);
              });
      Token following = lookahead(true).token();
      if (following == Token.END_OF_STRING || following == Token.COMMA) {
        if (operator == null) {
          operator = Operator.EXISTS;
        }
      }
      List<String> values;
      if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
        values = List.of();
      } else {
        operator = parseOperator();
        values =
            operator == Operator.IN || operator == Operator.NOT_IN
                ? parseValues()
                : parseExactValue();
      }
      List<String> errors = requirementErrors(key, operator, values, "key");
      if (!errors.isEmpty()) {
        throw new SyntaxError(aggregate(errors));
      }
      return new Requirement(key, operator, values);
    }

    private Operator parseOperator() {
      Scanned t = consume(false);
      return switch (t.token()) {
        case IN -> Operator.IN;
        case EQUALS -> Operator.EQUALS;
        case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
        case GREATER_THAN -> Operator.GREATER_THAN;
        case LESS_THAN -> Operator.LESS_THAN;
        case NOT_IN -> Operator.NOT_IN;
        case NOT_EQUALS -> Operator.NOT_EQUALS;
        default ->
            throw new SyntaxError(
                "found '" + t.literal() + "', expected: in, notin, =, ==, !=, gt, lt");
      };
    }

    /** {@code (a,b)}: a sorted set, where empty entries stand for the empty value. */
    private List<String> parseValues() {
      Scanned t = consume(true);
      if (t.token() != Token.OPEN_PAR) {
        throw new SyntaxError("found '" + t.literal() + "' expected: '('");
      }
      Scanned next = lookahead(true);
      switch (next.token()) {
        case IDENTIFIER, COMMA -> {
          TreeSet<String> values = parseIdentifiersList();
          if (consume(true).token() != Token.CLOSED_PAR) {
            throw new SyntaxError("found '" + next.literal() + "', expected: ')'");
          }
          return List.copyOf(values);
        }
        case CLOSED_PAR -> {
          consume(true);
          return List.of("");
        }
        default ->
            throw new SyntaxError(
                "found '" + next.literal() + "', expected: ',', ')' or identifier");
      }
    }

    private TreeSet<String> parseIdentifiersList() {
      TreeSet<String> values = new TreeSet<>();
      while (true) {
        Scanned t = consume(true);
        switch (t.token()) {
          case IDENTIFIER -> {
            values.add(t.literal());
            Scanned t2 = lookahead(true);
            if (t2.token() == Token.CLOSED_PAR) {
              return values;
            }
            if (t2.token() != Token.COMMA) {
              throw new SyntaxError("found '" + t2.literal() + "', expected: ',' or ')'");
            }
          }
          case COMMA -> {
            if (values.isEmpty()) {
              values.add("");
            }
            Token t2 = lookahead(true).token();
            if (t2 == Token.CLOSED_PAR) {
              values.add("");
              return values;
            }
            if (t2 == Token.COMMA) {
              consume(true);
              values.add("");
            }
          }
          default ->
              throw new SyntaxError("found '" + t.literal() + "', expected: ',', or identifier");
        }
      }
    }

    private List<String> parseExactValue() {
      Token next = lookahead(true).token();
      if (next == Token.END_OF_STRING || next == Token.COMMA) {
        return List.of("");
      }
      Scanned t = consume(true);
      if (t.token() == Token.IDENTIFIER) {
        return List.of(t.literal());
      }
      throw new SyntaxError("found '" + t.literal() + "', expected: identifier");
    }
  }
}
