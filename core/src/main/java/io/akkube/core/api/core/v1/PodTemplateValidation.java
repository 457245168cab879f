package io.akkube.core.api.core.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.akkube.core.api.FieldError;
import io.akkube.core.api.Json;
import io.akkube.core.selection.LabelSelector;
import io.akkube.core.validation.GoValues;
import io.akkube.core.validation.MetadataValidation;
import java.util.ArrayList;
import java.util.List;

/**
 * ValidatePodTemplateSpec and the rules every replicated workload adds to its template
 * (ValidatePodTemplateSpecForReplicaSet / ForRC): the selector matches the template's labels, pods
 * always restart and never have a deadline.
 */
public final class PodTemplateValidation {

  public static final String SELECTOR_MISMATCH = "`selector` does not match template `labels`";

  private PodTemplateValidation() {}

  /** ValidatePodTemplateSpec; Kubernetes reports template labels under {@code <path>.labels}. */
  public static List<FieldError> validatePodTemplateSpec(JsonNode template, String path) {
    List<FieldError> errs = new ArrayList<>();
    JsonNode meta = template.path("metadata");
    errs.addAll(MetadataValidation.validateLabels(meta.path("labels"), path + ".labels"));
    errs.addAll(
        MetadataValidation.validateAnnotations(meta.path("annotations"), path + ".annotations"));
    errs.addAll(PodValidation.validatePodSpec(template.path("spec"), path + ".spec", false));
    if (!Trees.isEmpty(template.path("spec").get("ephemeralContainers"))) {
      errs.add(
          FieldError.forbidden(
              path + ".spec.ephemeralContainers",
              "ephemeral containers not allowed in pod template"));
    }
    return errs;
  }

  /**
   * The template of a ReplicaSet, Deployment or ReplicationController ({@code kind} names it in the
   * activeDeadlineSeconds message). An absent template is required; a non-empty selector must
   * select the template's labels.
   */
  public static List<FieldError> validateReplicatedTemplate(
      JsonNode template, LabelSelector selector, String path, String kind) {
    List<FieldError> errs = new ArrayList<>();
    if (template == null || !template.isObject()) {
      errs.add(FieldError.required(path, ""));
      return errs;
    }
    JsonNode labels = template.path("metadata").get("labels");
    if (!selector.isEmpty() && !selector.matches(Json.labels(template))) {
      errs.add(
          new FieldError(
              FieldError.Type.INVALID,
              path + ".metadata.labels",
              GoValues.stringMap(labels),
              SELECTOR_MISMATCH));
    }
    errs.addAll(validatePodTemplateSpec(template, path));
    JsonNode spec = template.path("spec");
    String restartPolicy = Trees.text(spec, "restartPolicy");
    if (!restartPolicy.equals("Always")) {
      errs.add(
          FieldError.notSupported(path + ".spec.restartPolicy", restartPolicy, List.of("Always")));
    }
    if (Trees.has(spec, "activeDeadlineSeconds")) {
      errs.add(
          FieldError.forbidden(
              path + ".spec.activeDeadlineSeconds",
              "activeDeadlineSeconds in " + kind + " is not Supported"));
    }
    return errs;
  }
}
