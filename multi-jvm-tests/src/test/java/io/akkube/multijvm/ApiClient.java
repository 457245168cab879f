package io.akkube.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Plain HTTPS calls to one member's Kubernetes API, configured from a kubeconfig context the way
 * client libraries are: its server, its certificate authority (verified, host name included) and
 * its user's bearer token.
 */
final class ApiClient {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final URI server;
  private final String token;
  private final HttpClient http;

  private ApiClient(URI server, String token, SSLContext tls) {
    this.server = server;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** The client of {@code context} in {@code kubeconfig} (null: its current context). */
  static ApiClient fromKubeconfig(Path kubeconfig, String context) {
    try {
      JsonNode config = YAML.readTree(Files.readString(kubeconfig));
      String name = context != null ? context : config.path("current-context").asText();
      JsonNode ctx = named(config.path("contexts"), name, "context");
      JsonNode cluster = named(config.path("clusters"), ctx.path("cluster").asText(), "cluster");
      JsonNode user = named(config.path("users"), ctx.path("user").asText(), "user");
      byte[] ca = Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText());
      return new ApiClient(
          URI.create(cluster.path("server").asText()), user.path("token").asText(), trusting(ca));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("kubeconfig " + kubeconfig + ": " + e, e);
    }
  }

  private static JsonNode named(JsonNode list, String name, String field) {
    for (JsonNode entry : list) {
      if (entry.path("name").asText().equals(name)) {
        return entry.path(field);
      }
    }
    throw new IllegalStateException("no " + field + " named " + name);
  }

  /** A TLS context that trusts exactly the PEM certificate(s) in {@code pem}. */
  private static SSLContext trusting(byte[] pem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    int i = 0;
    for (Certificate c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(pem))) {
      trust.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }

  URI server() {
    return server;
  }

  private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
    return HttpRequest.newBuilder(server.resolve(pathAndQuery))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
  }

  /** GET; IOException when the member cannot be reached. */
  HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(
        request(pathAndQuery, Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** POST of a JSON body; IOException when the member cannot be reached or does not answer. */
  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return send("POST", path, "application/json", json);
  }

  HttpResponse<String> send(String method, String path, String contentType, String body)
      throws IOException, InterruptedException {
    return http.send(
        request(path, Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A chunked watch: its lines, as they arrive (the caller closes the stream). */
  HttpResponse<Stream<String>> watch(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(
        request(pathAndQuery, Duration.ofMinutes(10)).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
  }

  static JsonNode parse(String json) {
    try {
      return AkkubeCluster.JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }
}
