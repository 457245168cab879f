package io.akkube.node.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a resolv.conf the kubelet reads and writes: nameservers, search domains and options,
 * each in file order.
 */
public record ResolvConf(List<String> nameservers, List<String> searches, List<String> options) {

  public static final ResolvConf EMPTY = new ResolvConf(List.of(), List.of(), List.of());

  public ResolvConf {
    nameservers = List.copyOf(nameservers);
    searches = List.copyOf(searches);
    options = List.copyOf(options);
  }

  /** As glibc reads it: the last {@code search}/{@code domain} line wins, comments dropped. */
  public static ResolvConf parse(String text) {
    List<String> nameservers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    List<String> options = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.replaceAll("[#;].*", "").trim();
      String[] f = line.split("\\s+");
      if (f.length < 2) {
        continue;
      }
      switch (f[0]) {
        case "nameserver" -> nameservers.add(f[1]);
        case "search", "domain" -> {
          searches.clear();
          for (int i = 1; i < f.length; i++) {
            searches.add(f[i]);
          }
        }
        case "options" -> {
          for (int i = 1; i < f.length; i++) {
            options.add(f[i]);
          }
        }
        default -> {}
      }
    }
    return new ResolvConf(nameservers, searches, options);
  }

  /** The host's file, or an empty one when it cannot be read. */
  public static ResolvConf read(Path file) {
    try {
      return Files.isReadable(file) ? parse(Files.readString(file)) : EMPTY;
    } catch (IOException e) {
      return EMPTY;
    }
  }

  public String render() {
    StringBuilder out = new StringBuilder();
    nameservers.forEach(n -> out.append("nameserver ").append(n).append('\n'));
    if (!searches.isEmpty()) {
      out.append("search ").append(String.join(" ", searches)).append('\n');
    }
    if (!options.isEmpty()) {
      out.append("options ").append(String.join(" ", options)).append('\n');
    }
    return out.toString();
  }
}
