package io.akkube.http.protobuf;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the Go struct tags say about a field's JSON form and its protobuf descriptor does not: JSON
 * inlines a few embedded messages, writes zero values of pointers and of fields without {@code
 * omitempty}, and may rename a field. Read from {@code go-json-fields.txt}, which {@code
 * http/tools/go_json_fields.py} generates from the Kubernetes Go types.
 */
record GoJsonFields(Set<String> inline, Set<String> keepZero, Map<String, String> renames) {

  static final String RESOURCE = "go-json-fields.txt";

  GoJsonFields {
    inline = Set.copyOf(inline);
    keepZero = Set.copyOf(keepZero);
    renames = Map.copyOf(renames);
  }

  static GoJsonFields load() {
    Set<String> inline = new HashSet<>();
    Set<String> keepZero = new HashSet<>();
    Map<String, String> renames = new HashMap<>();
    try (InputStream in = GoJsonFields.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] parts = line.trim().split("\\s+");
        if (parts[0].isEmpty() || parts[0].startsWith("#")) {
          continue;
        }
        switch (parts[0]) {
          case "inline" -> inline.add(parts[1]);
          case "keepzero" -> keepZero.add(parts[1]);
          case "rename" -> renames.put(parts[1], parts[2]);
          default -> throw new IllegalStateException(RESOURCE + ": unknown line: " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GoJsonFields(inline, keepZero, renames);
  }

  /** {@code package.Message.field}, the key the generated file uses. */
  static String key(FieldDescriptor field) {
    return field.getContainingType().getFullName() + "." + field.getName();
  }

  boolean isInline(FieldDescriptor field) {
    return inline.contains(key(field));
  }

  boolean keepsZero(FieldDescriptor field) {
    return keepZero.contains(key(field));
  }

  String jsonName(FieldDescriptor field) {
    return renames.getOrDefault(key(field), field.getName());
  }
}
