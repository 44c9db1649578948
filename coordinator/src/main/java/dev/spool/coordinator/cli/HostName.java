package dev.spool.coordinator.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This host's name, for recording who did what. */
final class HostName {
  private HostName() {}

  static String get() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
