package io.akkube.http.protobuf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Scheduling;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes request bodies sent as {@code application/vnd.kubernetes.protobuf} (kubectl does so for
 * built-in kinds) into the JSON tree the same object would have as JSON. The wire form is the magic
 * {@code k8s\0} and a {@code runtime.Unknown}: the object's apiVersion and kind, and its own
 * protobuf bytes. The message types come from client-java-proto's descriptors; see
 * docs/decisions/0004-protobuf-request-bodies.md.
 */
public final class KubeProtobuf {

  public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final String CORE_PACKAGE = "k8s.io.api.core.";
  private static final String API_PACKAGE = "k8s.io.api.";
  private static final String META_PACKAGE = "k8s.io.apimachinery.pkg.apis.meta.v1";

  /**
   * The groups go_json_fields.py read the Go types of; a kind outside them could decode with wrong
   * zero values, so it is refused rather than guessed.
   */
  private static final Map<String, Descriptor> MESSAGES =
      index(
          V1.getDescriptor(),
          V1Apps.getDescriptor(),
          V1Policy.getDescriptor(),
          V1Autoscaling.getDescriptor(),
          V1Scheduling.getDescriptor(),
          V1Discovery.getDescriptor(),
          Meta.getDescriptor());

  /**
   * runtime.Unknown, parsed through its descriptor: the generated class in client-java-proto is old
   * gencode that protobuf-java warns about (GHSA-h4h5-3hr4-j3g2), so none of its parsers run.
   */
  private static final Descriptor UNKNOWN =
      Runtime.getDescriptor().findMessageTypeByName("Unknown");

  private static final ProtoJson CONVERTER = new ProtoJson(GoJsonFields.load());

  private KubeProtobuf() {}

  /** Whether a Content-Type (parameters allowed) names Kubernetes protobuf. */
  public static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.startsWith(MEDIA_TYPE);
  }

  /** The object in a Kubernetes protobuf body, with apiVersion and kind from its envelope. */
  public static ObjectNode decode(byte[] body) {
    if (!hasMagic(body)) {
      throw ApiStatus.badRequest(
              "the protobuf body does not start with the Kubernetes prefix \"k8s\\x00\"")
          .exception();
    }
    DynamicMessage envelope;
    try {
      envelope =
          DynamicMessage.parseFrom(UNKNOWN, Arrays.copyOfRange(body, MAGIC.length, body.length));
    } catch (InvalidProtocolBufferException e) {
      throw ApiStatus.badRequest("error decoding protobuf body: " + e.getMessage()).exception();
    }
    String contentEncoding = (String) field(envelope, "contentEncoding");
    if (!contentEncoding.isEmpty()) {
      throw ApiStatus.unsupportedMediaType(
              "protobuf body with contentEncoding \"" + contentEncoding + "\" is not supported")
          .exception();
    }
    String contentType = (String) field(envelope, "contentType");
    if (!contentType.isEmpty() && !isProtobuf(contentType)) {
      throw ApiStatus.unsupportedMediaType(
              "protobuf body with contentType \""
                  + contentType
                  + "\" is not supported; send "
                  + MEDIA_TYPE
                  + " or application/json")
          .exception();
    }
    DynamicMessage typeMeta = (DynamicMessage) field(envelope, "typeMeta");
    String apiVersion = (String) field(typeMeta, "apiVersion");
    String kind = (String) field(typeMeta, "kind");
    if (kind.isEmpty()) {
      throw ApiStatus.badRequest("Object 'Kind' is missing in the protobuf body").exception();
    }
    Descriptor type =
        message(apiVersion, kind)
            .orElseThrow(
                () ->
                    ApiStatus.unsupportedMediaType(
                            "no protobuf decoding for apiVersion \""
                                + apiVersion
                                + "\", kind \""
                                + kind
                                + "\"; send it as application/json")
                        .exception());
    DynamicMessage object;
    try {
      object = DynamicMessage.parseFrom(type, (ByteString) field(envelope, "raw"));
    } catch (InvalidProtocolBufferException e) {
      throw ApiStatus.badRequest("error decoding protobuf " + kind + ": " + e.getMessage())
          .exception();
    }
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("kind", kind);
    if (!apiVersion.isEmpty()) {
      json.put("apiVersion", apiVersion);
    }
    json.setAll(CONVERTER.object(object));
    return json;
  }

  private static Object field(DynamicMessage message, String name) {
    return message.getField(message.getDescriptorForType().findFieldByName(name));
  }

  static boolean hasMagic(byte[] body) {
    if (body.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (body[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The message for (apiVersion, kind): group {@code ""} lives in {@code k8s.io.api.core.v1},
   * {@code apps} in {@code k8s.io.api.apps.v1}, {@code policy.k8s.io}-style groups by their first
   * label. Options kinds (DeleteOptions) are sent with the resource's group version but are meta/v1
   * messages.
   */
  static Optional<Descriptor> message(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    String pkg;
    if (group.isEmpty()) {
      pkg = CORE_PACKAGE + version;
    } else if (group.equals("meta.k8s.io")) {
      pkg = META_PACKAGE;
    } else {
      int dot = group.indexOf('.');
      pkg = API_PACKAGE + (dot < 0 ? group : group.substring(0, dot)) + "." + version;
    }
    Descriptor found = MESSAGES.get(pkg + "." + kind);
    if (found == null && kind.endsWith("Options")) {
      found = MESSAGES.get(META_PACKAGE + "." + kind);
    }
    return Optional.ofNullable(found);
  }

  private static Map<String, Descriptor> index(FileDescriptor... files) {
    Map<String, Descriptor> messages = new HashMap<>();
    for (FileDescriptor file : files) {
      for (Descriptor message : file.getMessageTypes()) {
        messages.put(message.getFullName(), message);
      }
    }
    return Map.copyOf(messages);
  }
}
