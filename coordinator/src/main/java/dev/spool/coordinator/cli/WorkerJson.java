package dev.spool.coordinator.cli;

import dev.spool.coordinator.view.WorkerView;
import dev.spool.protocol.heartbeat.Heartbeat;
import dev.spool.protocol.heartbeat.RunningTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stable JSON form of a worker in {@code status --json} and {@code workers --json}. */
final class WorkerJson {
  private WorkerJson() {}

  static Map<String, Object> of(WorkerView w) {
    Heartbeat hb = w.heartbeat();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", hb.workerId());
    m.put("host", hb.host());
    m.put("alive", w.alive());
    m.put("heartbeat_age_seconds", w.heartbeatAgeMillis() / 1000.0);
    m.put("slots_used", hb.slotsUsed());
    m.put("slots_total", hb.slotsTotal());
    m.put("draining", hb.draining());
    m.put("version", hb.version());
    m.put("incarnation", hb.incarnation());
    m.put("capabilities", hb.capabilities());
    m.put("claims_total", hb.claimsTotal());
    m.put("claims_lost_total", hb.claimsLostTotal());
    List<Object> running = new ArrayList<>();
    for (RunningTask r : hb.running()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("task_id", r.taskId());
      t.put("attempt", r.attempt());
      t.put("output_bytes", r.outputBytes());
      running.add(t);
    }
    m.put("running", running);
    return m;
  }
}
