package io.akkube.http.api;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.ApiStatus;
import io.akkube.core.api.Json;
import java.util.ArrayList;
import java.util.List;

/** Building the API's responses: JSON documents and Status errors. */
final class Responses {

  private Responses() {}

  static HttpResponse json(int code, byte[] body) {
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  static HttpResponse json(int code, JsonNode body) {
    return json(code, Json.bytes(body));
  }

  static HttpResponse json(int code, JsonNode body, ContentType contentType) {
    return HttpResponse.create().withStatus(code).withEntity(contentType, Json.bytes(body));
  }

  static HttpResponse text(int code, String body) {
    return HttpResponse.create().withStatus(code).withEntity(ContentTypes.TEXT_PLAIN_UTF8, body);
  }

  static HttpResponse status(ApiStatus status) {
    return withWarnings(json(status.code(), status.toJson()), status.warnings());
  }

  static HttpResponse withWarnings(HttpResponse response, List<String> warnings) {
    if (warnings.isEmpty()) {
      return response;
    }
    List<HttpHeader> headers = new ArrayList<>();
    for (String w : warnings) {
      headers.add(ApiServer.warningHeader(w));
    }
    return response.addHeaders(headers);
  }
}
