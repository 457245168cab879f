package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.validation.NameValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy core/v1 Event validation (legacyValidateEvent, which is all v1 requests get): the event's
 * namespace must agree with its involved object; "new" events (with eventTime) must name their
 * reporter, action and reason within the length limits.
 */
public final class EventValidation {

  public static final int REPORTING_INSTANCE_LENGTH_LIMIT = 128;
  public static final int ACTION_LENGTH_LIMIT = 128;
  public static final int REASON_LENGTH_LIMIT = 128;
  public static final int NOTE_LENGTH_LIMIT = 1024;

  private EventValidation() {}

  public static List<FieldError> validateEvent(ObjectNode event) {
    List<FieldError> errs = new ArrayList<>();
    String namespace = Trees.text(event.path("metadata"), "namespace");
    String involvedNamespace = Trees.text(event.path("involvedObject"), "namespace");
    String notMatching = "does not match event.namespace";
    if (Trees.text(event, "eventTime").isEmpty()) {
      if (involvedNamespace.isEmpty()) {
        if (!namespace.isEmpty() && !namespace.equals("default")) {
          errs.add(FieldError.invalid("involvedObject.namespace", involvedNamespace, notMatching));
        }
      } else if (!namespace.equals(involvedNamespace)) {
        errs.add(FieldError.invalid("involvedObject.namespace", involvedNamespace, notMatching));
      }
    } else {
      if (involvedNamespace.isEmpty()
          && !namespace.equals("default")
          && !namespace.equals("kube-system")) {
        errs.add(FieldError.invalid("involvedObject.namespace", involvedNamespace, notMatching));
      }
      String controller = Trees.text(event, "reportingComponent");
      if (controller.isEmpty()) {
        errs.add(FieldError.required("reportingComponent", ""));
      }
      for (String msg : NameValidation.isQualifiedName(controller)) {
        errs.add(FieldError.invalid("reportingComponent", controller, msg));
      }
      limited(event, "reportingInstance", REPORTING_INSTANCE_LENGTH_LIMIT, true, errs);
      limited(event, "action", ACTION_LENGTH_LIMIT, true, errs);
      limited(event, "reason", REASON_LENGTH_LIMIT, true, errs);
      limited(event, "message", NOTE_LENGTH_LIMIT, false, errs);
    }
    // Kubernetes checks the namespace here too, under the bare "namespace" path.
    for (String msg : NameValidation.isDNS1123Subdomain(namespace)) {
      errs.add(FieldError.invalid("namespace", namespace, msg));
    }
    return errs;
  }

  private static void limited(
      ObjectNode event, String field, int limit, boolean required, List<FieldError> errs) {
    String value = Trees.text(event, field);
    if (required && value.isEmpty()) {
      errs.add(FieldError.required(field, ""));
    }
    if (value.length() > limit) {
      errs.add(FieldError.invalid(field, "", "can have at most " + limit + " characters"));
    }
  }
}
