package io.akkube.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} expansion (third_party/forked/golang/expansion): {@code $(NAME)}
 * becomes the variable's value when it is defined and stays as written when not; {@code $$} becomes
 * {@code $}; any other {@code $} is literal.
 */
public final class EnvExpansion {

  private EnvExpansion() {}

  public static String expand(String input, Map<String, String> env) {
    return expand(input, name -> env.get(name));
  }

  public static List<String> expandAll(List<String> inputs, Map<String, String> env) {
    List<String> out = new ArrayList<>(inputs.size());
    inputs.forEach(s -> out.add(expand(s, env)));
    return out;
  }

  /** {@code lookup} returns null for an undefined variable. */
  public static String expand(String input, Function<String, String> lookup) {
    StringBuilder out = new StringBuilder(input.length());
    int cursor = 0;
    while (cursor < input.length()) {
      char c = input.charAt(cursor);
      if (c != '$' || cursor + 1 >= input.length()) {
        out.append(c);
        cursor++;
        continue;
      }
      char next = input.charAt(cursor + 1);
      if (next == '$') {
        out.append('$');
        cursor += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', cursor + 2);
        if (close < 0) {
          out.append("$(");
          cursor += 2;
        } else {
          String name = input.substring(cursor + 2, close);
          String value = name.isEmpty() ? null : lookup.apply(name);
          out.append(value != null ? value : "$(" + name + ")");
          cursor = close + 1;
        }
      } else {
        out.append('$').append(next);
        cursor += 2;
      }
    }
    return out.toString();
  }
}
