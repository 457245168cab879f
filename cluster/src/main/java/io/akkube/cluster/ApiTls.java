package io.akkube.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The API's serving certificate: self-signed, made once per data directory with the JDK's keytool
 * (kubectl sends bearer tokens only over TLS). Its PEM goes into the kubeconfig as the certificate
 * authority, so kubectl verifies the server without extra flags. See
 * docs/decisions/0003-api-over-tls-with-self-signed-certificate.md.
 */
public final class ApiTls {

  private final Path keystore;
  private final char[] password;

  private ApiTls(Path keystore, char[] password) {
    this.keystore = keystore;
    this.password = password;
  }

  /**
   * Loads the data directory's certificate, creating it (valid for the given addresses) if absent.
   */
  public static ApiTls ensure(Path dataDir, Set<String> ipAddresses, Set<String> dnsNames)
      throws Exception {
    Path keystore = dataDir.resolve("api-server.p12");
    Path passwordFile = dataDir.resolve("api-server.pass");
    if (!Files.exists(keystore) || !Files.exists(passwordFile)) {
      byte[] bytes = new byte[18];
      new SecureRandom().nextBytes(bytes);
      String password = HexFormat.of().formatHex(bytes);
      Files.deleteIfExists(keystore);
      Set<String> san = new LinkedHashSet<>();
      for (String ip : ipAddresses) {
        san.add("ip:" + ip);
      }
      for (String dns : dnsNames) {
        san.add("dns:" + dns);
      }
      keytool(
          "-genkeypair",
          "-alias",
          "akkube",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-sigalg",
          "SHA256withECDSA",
          "-dname",
          "CN=akkube-apiserver",
          "-validity",
          "3650",
          "-ext",
          "SAN=" + String.join(",", san),
          "-ext",
          "BC:c=ca:true",
          "-keystore",
          keystore.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);
      Files.writeString(passwordFile, password + "\n");
    }
    return new ApiTls(keystore, Files.readString(passwordFile).trim().toCharArray());
  }

  private static void keytool(String... args) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(keytool);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + out);
    }
  }

  private KeyStore load() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, password);
    }
    return ks;
  }

  /** The server side: our key and certificate. */
  public SSLContext serverContext() throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(), password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
    return ctx;
  }

  /** A client side that trusts exactly this certificate. */
  public SSLContext clientContext() throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }

  /** The certificate in PEM, for the kubeconfig's certificate-authority-data. */
  String certificatePem() throws Exception {
    var cert = load().getCertificate("akkube");
    String b64 =
        java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded());
    return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
  }
}
