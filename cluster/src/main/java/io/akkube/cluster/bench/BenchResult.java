package io.akkube.cluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark result, shared by the scenarios: a table of figures per system (akkube and, where
 * there is one, its peer) printed for a reader, and the same figures appended as one JSON line to
 * {@code bench-results/<scenario>.jsonl} with the parameters and the machine's facts.
 */
public final class BenchResult {

  private final String scenario;
  private final List<String> systems;
  private final Map<String, Object> params = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Object> extra = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private final Map<String, Object> machine = Machine.facts();
  private boolean complete = true;

  /** A figure for each system; {@code null} where a system has no such figure. */
  private record Row(String label, String unit, String key, List<Double> values) {}

  /** {@code systems}: the table's columns, e.g. {@code ["akkube", "etcd"]}. */
  public BenchResult(String scenario, List<String> systems) {
    this.scenario = scenario;
    this.systems = List.copyOf(systems);
  }

  public String scenario() {
    return scenario;
  }

  public BenchResult param(String key, Object value) {
    params.put(key, value);
    return this;
  }

  /** One row of figures; {@code key} names them in the JSON line (under each system). */
  public BenchResult row(String label, String unit, String key, Double... valuesPerSystem) {
    rows.add(new Row(label, unit, key, java.util.Arrays.asList(valuesPerSystem)));
    return this;
  }

  /** A top-level JSON field (e.g. {@code ratio_vs_etcd}), also printed under the table. */
  public BenchResult put(String key, Object value) {
    extra.put(key, value);
    return this;
  }

  public BenchResult note(String note) {
    notes.add(note);
    return this;
  }

  /** Marks the run incomplete (a goal of the run itself, such as a count, was not reached). */
  public BenchResult incomplete(String why) {
    complete = false;
    notes.add("INCOMPLETE: " + why);
    return this;
  }

  public boolean complete() {
    return complete;
  }

  /** The figure of {@code key} for {@code system}, or NaN. */
  public double value(String key, String system) {
    int column = systems.indexOf(system);
    for (Row r : rows) {
      if (r.key.equals(key) && column >= 0 && r.values.get(column) != null) {
        return r.values.get(column);
      }
    }
    return Double.NaN;
  }

  public String table() {
    int labelWidth = 12;
    for (Row r : rows) {
      labelWidth = Math.max(labelWidth, r.label.length() + r.unit.length() + 3);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("== bench ").append(scenario).append(' ').append(params).append('\n');
    sb.append(String.format("%-" + labelWidth + "s", "metric"));
    for (String s : systems) {
      sb.append(String.format(" %16s", s));
    }
    sb.append('\n');
    for (Row r : rows) {
      String label = r.unit.isEmpty() ? r.label : r.label + " (" + r.unit + ")";
      sb.append(String.format("%-" + labelWidth + "s", label));
      for (Double v : r.values) {
        sb.append(String.format(" %16s", v == null || v.isNaN() ? "-" : format(v)));
      }
      sb.append('\n');
    }
    extra.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
    sb.append("machine: ").append(machine);
    return sb.toString();
  }

  /** Appends the JSON line to {@code <dir>/<scenario>.jsonl}; returns that file. */
  public Path append(Path dir) throws IOException {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("scenario", scenario);
    line.put("date", Instant.now().toString());
    line.put("complete", complete);
    line.set("params", Json.MAPPER.valueToTree(params));
    ObjectNode results = line.putObject("results");
    for (int i = 0; i < systems.size(); i++) {
      ObjectNode system = results.putObject(systems.get(i));
      for (Row r : rows) {
        Double v = r.values.size() > i ? r.values.get(i) : null;
        if (v != null && !v.isNaN()) {
          if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            system.put(r.key, v.longValue());
          } else {
            system.put(r.key, round(v));
          }
        }
      }
    }
    extra.forEach((k, v) -> line.set(k, Json.MAPPER.valueToTree(v)));
    line.set("notes", Json.MAPPER.valueToTree(notes));
    line.set("machine", Json.MAPPER.valueToTree(machine));
    Files.createDirectories(dir);
    Path file = dir.resolve(scenario + ".jsonl");
    Files.writeString(
        file,
        Json.MAPPER.writeValueAsString(line) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return file;
  }

  static double round(double v) {
    return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100.0;
  }

  private static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format("%,d", (long) v);
    }
    return Math.abs(v) >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }
}
