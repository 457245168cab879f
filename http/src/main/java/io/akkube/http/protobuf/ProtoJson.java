package io.akkube.http.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * Turns a Kubernetes protobuf message into the JSON tree its Go type would marshal to, by walking
 * the message's descriptor. Field names are the protobuf names (which the Kubernetes .proto files
 * take from the JSON tags); the types that marshal JSON by hand (Quantity, IntOrString, Time,
 * MicroTime, Duration, RawExtension, FieldsV1) get their JSON form here.
 */
final class ProtoJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final GoJsonFields fields;

  ProtoJson(GoJsonFields fields) {
    this.fields = fields;
  }

  /**
   * The fields of a message as a JSON object; unset fields and empty lists and maps are left out.
   */
  ObjectNode object(Message message) {
    ObjectNode out = NODES.objectNode();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String name = fields.jsonName(field);
      if (field.isMapField()) {
        if (message.getRepeatedFieldCount(field) > 0) {
          out.set(name, map(message, field));
        }
      } else if (field.isRepeated()) {
        if (message.getRepeatedFieldCount(field) > 0) {
          ArrayNode items = out.putArray(name);
          for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            items.add(element(field, message.getRepeatedField(field, i)));
          }
        }
      } else if (message.hasField(field)) {
        Object value = message.getField(field);
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          JsonNode node = value((Message) value);
          if (fields.isInline(field) && node instanceof ObjectNode embedded) {
            out.setAll(embedded);
          } else if (node != null) {
            out.set(name, node);
          }
        } else if (!isZero(value) || fields.keepsZero(field)) {
          // Go writes every non-pointer field to protobuf, so a zero here is usually "not set".
          out.set(name, scalar(field, value));
        }
      }
    }
    return out;
  }

  /** A message as JSON; null where Go marshals it as JSON null (a zero Time, an empty raw). */
  JsonNode value(Message message) {
    String type = message.getDescriptorForType().getFullName();
    return switch (type) {
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" ->
          NODES.textNode(text(message, "string"));
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> intOrString(message);
      case META + "Time" -> time(message, false);
      case META + "MicroTime" -> time(message, true);
      case META + "Duration" ->
          NODES.textNode(GoDuration.format(number(message, "duration").longValue()));
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META + "FieldsV1" -> raw(message);
      default -> object(message);
    };
  }

  private ObjectNode map(Message message, FieldDescriptor field) {
    ObjectNode out = NODES.objectNode();
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (Object o : (List<?>) message.getField(field)) {
      Message entry = (Message) o;
      String key = String.valueOf(entry.getField(field.getMessageType().findFieldByName("key")));
      out.set(key, element(valueField, entry.getField(valueField)));
    }
    return out;
  }

  /** A list item or map value: written even when zero, as Go does. */
  private JsonNode element(FieldDescriptor field, Object value) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      JsonNode node = value((Message) value);
      return node == null ? NullNode.getInstance() : node;
    }
    return scalar(field, value);
  }

  private static JsonNode scalar(FieldDescriptor field, Object value) {
    return switch (field.getType()) {
      case UINT32, FIXED32 -> integer(Integer.toUnsignedLong((Integer) value));
      case UINT64, FIXED64 -> NODES.numberNode(new BigInteger(Long.toUnsignedString((Long) value)));
      case INT32, SINT32, SFIXED32 -> NODES.numberNode((Integer) value);
      case INT64, SINT64, SFIXED64 -> integer((Long) value);
      case FLOAT -> NODES.numberNode((double) (Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case BOOL -> NODES.booleanNode((Boolean) value);
      case STRING -> NODES.textNode((String) value);
      case BYTES ->
          NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM -> NODES.textNode(((EnumValueDescriptor) value).getName());
      case MESSAGE, GROUP ->
          throw new IllegalArgumentException(field.getFullName() + " is a message");
    };
  }

  /** The node Jackson would parse the number's JSON text into, so trees compare equal. */
  private static JsonNode integer(long value) {
    return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
  }

  private static boolean isZero(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue() == 0;
    } else if (value instanceof Boolean b) {
      return !b;
    } else if (value instanceof String s) {
      return s.isEmpty();
    } else if (value instanceof ByteString b) {
      return b.isEmpty();
    } else if (value instanceof EnumValueDescriptor e) {
      return e.getNumber() == 0;
    }
    return false;
  }

  /** intstr.IntOrString: type 0 is an int, type 1 a string. */
  private static JsonNode intOrString(Message message) {
    return number(message, "type").longValue() == 1
        ? NODES.textNode(text(message, "strVal"))
        : NODES.numberNode(number(message, "intVal").intValue());
  }

  /** metav1.Time marshals as RFC 3339 in seconds, MicroTime with microseconds, zero as null. */
  private static JsonNode time(Message message, boolean micro) {
    FieldDescriptor seconds = message.getDescriptorForType().findFieldByName("seconds");
    FieldDescriptor nanos = message.getDescriptorForType().findFieldByName("nanos");
    if (!message.hasField(seconds) && !message.hasField(nanos)) {
      return null;
    }
    Instant instant =
        Instant.ofEpochSecond(
            number(message, "seconds").longValue(),
            micro ? number(message, "nanos").longValue() : 0);
    return NODES.textNode(
        micro ? MICRO_TIME.format(instant) : DateTimeFormatter.ISO_INSTANT.format(instant));
  }

  /** runtime.RawExtension and FieldsV1 carry JSON (or, nested, Kubernetes protobuf) as bytes. */
  private static JsonNode raw(Message message) {
    ByteString raw =
        (ByteString) message.getField(message.getDescriptorForType().findFieldByName("raw"));
    if (raw.isEmpty()) {
      return null;
    }
    byte[] bytes = raw.toByteArray();
    if (KubeProtobuf.hasMagic(bytes)) {
      return KubeProtobuf.decode(bytes);
    }
    try {
      return Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw ApiStatus.badRequest(
              message.getDescriptorForType().getName()
                  + " in the protobuf body does not hold JSON: "
                  + e.getMessage())
          .exception();
    }
  }

  private static String text(Message message, String field) {
    return (String) message.getField(message.getDescriptorForType().findFieldByName(field));
  }

  private static Number number(Message message, String field) {
    return (Number) message.getField(message.getDescriptorForType().findFieldByName(field));
  }
}
