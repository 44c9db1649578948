package dev.spool.protocol.result;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;

/**
 * How one attempt ended. In JSON an object whose {@code kind} is one of the codes below; the other
 * fields depend on the kind. Java 17 has no pattern switch, so callers switch on {@link #kind()}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Outcome.Succeeded.class, name = "succeeded"),
  @JsonSubTypes.Type(value = Outcome.Failed.class, name = "failed"),
  @JsonSubTypes.Type(value = Outcome.TimedOut.class, name = "timed_out"),
  @JsonSubTypes.Type(value = Outcome.IdleTimedOut.class, name = "idle_timed_out"),
  @JsonSubTypes.Type(value = Outcome.Cancelled.class, name = "cancelled"),
  @JsonSubTypes.Type(value = Outcome.LaunchFailed.class, name = "launch_failed"),
  @JsonSubTypes.Type(value = Outcome.Lost.class, name = "lost"),
  @JsonSubTypes.Type(value = Outcome.HandedBack.class, name = "handed_back")
})
public sealed interface Outcome {

  /** The stable code of each outcome, as written in {@code kind}. */
  enum Kind {
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    TIMED_OUT("timed_out"),
    IDLE_TIMED_OUT("idle_timed_out"),
    CANCELLED("cancelled"),
    LAUNCH_FAILED("launch_failed"),
    LOST("lost"),
    HANDED_BACK("handed_back");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  @JsonIgnore
  Kind kind();

  /** The process exited 0. */
  record Succeeded() implements Outcome {
    @Override
    public Kind kind() {
      return Kind.SUCCEEDED;
    }
  }

  /** The process exited non-zero, or was killed by a signal it did not get from the worker. */
  record Failed(Integer exitCode, Integer signal) implements Outcome {
    public Failed {
      if (exitCode == null && signal == null) {
        throw new FieldException("exit_code", "a failed outcome needs exit_code or signal");
      }
    }

    @Override
    public Kind kind() {
      return Kind.FAILED;
    }
  }

  /** The hard timeout fired and the worker stopped the process tree. */
  record TimedOut(java.time.Duration timeout) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.TIMED_OUT;
    }
  }

  /** No output for the idle timeout; the worker stopped the process tree. */
  record IdleTimedOut(java.time.Duration idleTimeout) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.IDLE_TIMED_OUT;
    }
  }

  /** An operator cancelled the running task. */
  record Cancelled(String reason) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.CANCELLED;
    }
  }

  /**
   * The process could not be started (missing binary, unknown type, bad cwd). {@code fatal} says a
   * retry cannot help.
   */
  record LaunchFailed(String message, Boolean fatal) implements Outcome {
    public LaunchFailed {
      Require.nonNull(message, "message");
      fatal = fatal != null && fatal;
    }

    @Override
    public Kind kind() {
      return Kind.LAUNCH_FAILED;
    }
  }

  /** The worker holding the claim was declared dead; written by the coordinator. */
  record Lost(String reason) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.LOST;
    }
  }

  /** The worker stopped the task while shutting down and handed it back; not a failure. */
  record HandedBack(String reason) implements Outcome {
    @Override
    public Kind kind() {
      return Kind.HANDED_BACK;
    }
  }
}
