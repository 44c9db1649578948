package dev.spool.coordinator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.coordinator.decision.Decision;
import dev.spool.coordinator.deps.DependencyCheck;
import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.Require;
import dev.spool.protocol.control.ControlRequest;
import dev.spool.protocol.fs.SafeFiles;
import dev.spool.protocol.json.SpoolJson;
import dev.spool.protocol.spool.SpoolLayout;
import dev.spool.protocol.spool.TaskName;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.spool.TerminalReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on {@code control/cancel~<id>.json} for tasks that are not running: a task in pending/,
 * scheduled/, blocked/, held/ or failed/ is cancelled (end note, move to cancelled/, then the
 * request is removed). A claimed task is the worker's to stop: the request is left for it. A
 * request for a task already terminal is removed; one for a task not found is left (it may be
 * between two directories, or in a directory this pass did not list) and looked at again.
 */
final class CancelRequests {
  private static final Logger log = LoggerFactory.getLogger(CancelRequests.class);
  private static final String PREFIX = "cancel~";

  private final SpoolLayout layout;

  CancelRequests(SpoolLayout layout) {
    this.layout = layout;
  }

  List<Decision> decide(PassListing snapshot) throws IOException {
    List<Decision> out = new ArrayList<>();
    List<String> requests = PassListing.list(layout.control());
    if (requests.isEmpty()) {
      // The usual case: no map of every listed name (a million on a pass that lists pending/).
      return out;
    }
    Map<String, TaskName> byId = new HashMap<>();
    for (TaskState s : PassListing.LISTED) {
      for (TaskName n : snapshot.in(s)) {
        byId.put(n.id(), n);
      }
    }
    for (String f : requests) {
      if (!f.startsWith(PREFIX) || !f.endsWith(".json")) {
        continue;
      }
      String id = f.substring(PREFIX.length(), f.length() - 5);
      if (!Require.ID.matcher(id).matches()) {
        continue;
      }
      TaskName where = byId.get(id);
      if (where == null) {
        if (DependencyCheck.terminalByStat(layout, id).isPresent()) {
          Files.deleteIfExists(layout.cancelRequest(id));
          log.info("cancel_request_removed task={} reason=task already terminal", id);
        }
        continue;
      }
      if (where.state() == TaskState.CLAIMED) {
        continue;
      }
      ObjectNode detail = Decision.newDetail();
      detail.put("control", layout.relative(layout.cancelRequest(id)));
      detail.put("message", message(layout.cancelRequest(id)));
      out.add(
          new Decision(
              Decision.CANCEL,
              where,
              new TaskName.Terminal(TaskState.CANCELLED, id),
              TerminalReason.CANCELLED,
              null,
              detail));
    }
    return out;
  }

  private String message(Path request) throws IOException {
    try {
      ControlRequest r =
          SpoolJson.read(
              layout.relative(request),
              SafeFiles.readBounded(request, 64 * 1024),
              ControlRequest.class);
      if (r instanceof ControlRequest.Cancel) {
        ControlRequest.Cancel c = (ControlRequest.Cancel) r;
        return "cancelled"
            + (c.requestedBy() == null ? "" : " by " + c.requestedBy())
            + (c.reason() == null ? "" : ": " + c.reason());
      }
    } catch (NoSuchFileException | InvalidInputException e) {
      log.debug("cancel_request_unreadable file={} reason={}", request, e.getMessage());
    }
    return "cancelled";
  }
}
