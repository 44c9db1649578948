package dev.spool.worker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** The host's name, in the form usable inside a worker id. */
public final class HostNames {
  private HostNames() {}

  /** The local host name, or {@code localhost} when it cannot be determined. */
  public static String hostName() {
    String env = System.getenv("HOSTNAME");
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  /** The default worker id: the host name (safe characters only), a dash and the instance. */
  static String defaultWorkerId(String instance) {
    StringBuilder sb = new StringBuilder();
    for (char c : hostName().toLowerCase(Locale.ROOT).toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
      sb.append(ok ? c : '-');
      if (sb.length() == 100) {
        break;
      }
    }
    if (sb.length() == 0 || !Character.isLetterOrDigit(sb.charAt(0))) {
      sb.insert(0, 'w');
    }
    return sb + "-" + instance;
  }
}
