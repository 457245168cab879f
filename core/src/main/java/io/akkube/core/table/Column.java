package io.akkube.core.table;

/**
 * One column of a server-side Table (meta.k8s.io/v1 TableColumnDefinition). Priority 0 columns are
 * always shown; priority 1 only with {@code -o wide}.
 */
public record Column(String name, String type, String format, String description, int priority) {

  static final String NAME_DOC =
      "Name must be unique within a namespace. Is required when creating resources, although some"
          + " resources may allow a client to request the generation of an appropriate name"
          + " automatically. Name is primarily intended for creation idempotence and configuration"
          + " definition. Cannot be updated. More info:"
          + " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
  static final String AGE_DOC =
      "CreationTimestamp is a timestamp representing the server time when this object was"
          + " created. It is not guaranteed to be set in happens-before order across separate"
          + " operations. Clients may not set this value. It is represented in RFC3339 form and is"
          + " in UTC.\n\n"
          + "Populated by the system. Read-only. Null for lists. More info:"
          + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  static Column nameColumn() {
    return new Column("Name", "string", "name", NAME_DOC, 0);
  }

  static Column ageColumn() {
    return new Column("Age", "string", "", AGE_DOC, 0);
  }

  static Column of(String name, String type, String description) {
    return new Column(name, type, "", description, 0);
  }

  static Column wide(String name, String type, String description) {
    return new Column(name, type, "", description, 1);
  }
}
