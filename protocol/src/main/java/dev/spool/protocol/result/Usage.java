package dev.spool.protocol.result;

/** Token usage and cost that an AI CLI reported for one attempt; any field may be absent. */
public record Usage(Long inputTokens, Long outputTokens, Double costUsd, String model) {}
