package dev.spool.coordinator.view;

import dev.spool.protocol.heartbeat.Heartbeat;

/**
 * A worker as a one-shot observer sees it. {@code heartbeatAgeMillis} is the difference between two
 * modification times stamped by the spool's own file system (the heartbeat's and a probe file
 * written just now), so no two hosts' clocks are compared.
 */
public record WorkerView(Heartbeat heartbeat, long heartbeatAgeMillis, boolean alive) {}
