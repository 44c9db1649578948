package dev.spool.protocol.control;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.spool.protocol.Require;
import java.time.Instant;

/**
 * A request an operator drops into {@code control/}: {@code cancel~<task>.json} or {@code
 * drain~<worker>.json}. The party that acts on it removes it afterwards; acting twice is harmless.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ControlRequest.Cancel.class, name = "cancel"),
  @JsonSubTypes.Type(value = ControlRequest.Drain.class, name = "drain")
})
public sealed interface ControlRequest {

  /** The control file's name, e.g. {@code cancel~t-1.json}. */
  @JsonIgnore
  String fileName();

  /** Cancel a task wherever it is; a running task's process tree is stopped. */
  record Cancel(
      Integer schemaVersion, String taskId, Instant requestedAt, String requestedBy, String reason)
      implements ControlRequest {
    public Cancel {
      schemaVersion = schemaVersion == null ? 1 : schemaVersion;
      Require.id(taskId, "task_id");
    }

    @Override
    public String fileName() {
      return "cancel~" + taskId + ".json";
    }
  }

  /** Stop a worker from claiming; it finishes what it runs. */
  record Drain(Integer schemaVersion, String workerId, Instant requestedAt, String requestedBy)
      implements ControlRequest {
    public Drain {
      schemaVersion = schemaVersion == null ? 1 : schemaVersion;
      Require.id(workerId, "worker_id");
    }

    @Override
    public String fileName() {
      return "drain~" + workerId + ".json";
    }
  }
}
