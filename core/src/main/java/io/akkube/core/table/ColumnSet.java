package io.akkube.core.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The columns of one kind, as Kubernetes' printers (pkg/printers/internalversion/printers.go)
 * define them, and how one object fills them. Cells always include the wide (priority 1) columns;
 * kubectl hides those unless asked for {@code -o wide}. One implementation per kind, registered in
 * {@link TableConvertor}.
 */
public interface ColumnSet {

  List<Column> columns();

  /** The cells of one object: strings, integers or booleans, one per column. */
  List<Object> cells(ObjectNode object, Instant now);

  /** Row conditions (e.g. a finished pod's {@code Completed}); none by default. */
  default List<ObjectNode> conditions(ObjectNode object) {
    return List.of();
  }
}
