package dev.spool.coordinator.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Who may change the spool through the dashboard. Read-only unless started with --allow-actions;
 * then an action needs either the access token as {@code Authorization: Bearer} (scripts) or a
 * session opened by posting the token to /login (browsers), and for a session a per-session CSRF
 * token in the form, a same-origin {@code Origin} (or {@code Referer}) header and the session
 * cookie (HttpOnly, SameSite=Strict). Every request's {@code Host} must name this server when it
 * listens on a loopback address, which defeats DNS rebinding. Thread-safe.
 */
final class ActionGuard {
  static final String COOKIE = "spool_session";
  private static final int MAX_SESSIONS = 1_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Why a request is refused: the HTTP status and a message for the operator. */
  record Refusal(int status, String message) {}

  private final boolean allowActions;
  private final byte[] token;
  private final boolean loopback;

  /** How long a session lasts from its login, on this process's monotonic clock. */
  static final Duration SESSION_TTL = Duration.ofHours(12);

  private record Session(String csrf, long openedNanos) {}

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final LongSupplier nanos;

  ActionGuard(boolean allowActions, String token, InetAddress bind, LongSupplier nanos) {
    this.allowActions = allowActions;
    this.nanos = nanos;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.loopback = bind.isLoopbackAddress();
  }

  static String newSecret() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  boolean actionsAllowed() {
    return allowActions;
  }

  /** False when a loopback server is asked for under a foreign host name (DNS rebinding). */
  boolean hostAllowed(HttpExchange ex) {
    if (!loopback) {
      return true;
    }
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return false;
    }
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host;
    int colon = name.startsWith("[") ? -1 : name.lastIndexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]");
  }

  /** The CSRF token of the request's session, if it has one. */
  Optional<String> csrf(HttpExchange ex) {
    return session(ex).map(id -> sessions.get(id).csrf());
  }

  /** Opens a session when {@code presented} is the token; returns the Set-Cookie value. */
  Optional<String> login(HttpExchange ex, String presented) {
    if (!allowActions || !sameOrigin(ex) || !tokenMatches(presented)) {
      return Optional.empty();
    }
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.clear();
    }
    String id = newSecret();
    sessions.put(id, new Session(newSecret(), nanos.getAsLong()));
    return Optional.of(COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict");
  }

  /** Ends the request's session (a logout that passed {@link #check}). */
  void logout(HttpExchange ex) {
    session(ex).ifPresent(sessions::remove);
  }

  /** Checks an action request; empty when it may proceed. */
  Optional<Refusal> check(HttpExchange ex, Map<String, String> form) {
    if (!allowActions) {
      return Optional.of(
          new Refusal(403, "actions are disabled: this dashboard was started read-only"));
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null && auth.startsWith("Bearer ")) {
      return tokenMatches(auth.substring(7).strip())
          ? Optional.empty()
          : Optional.of(new Refusal(403, "wrong access token"));
    }
    Optional<String> csrf = csrf(ex);
    if (csrf.isEmpty()) {
      return Optional.of(new Refusal(403, "log in with the access token first"));
    }
    if (!sameOrigin(ex)) {
      return Optional.of(new Refusal(403, "cross-origin request refused"));
    }
    String presented = form.get("csrf");
    if (presented == null || !constantTimeEquals(presented, csrf.get())) {
      return Optional.of(new Refusal(403, "missing or wrong CSRF token; reload the page"));
    }
    return Optional.empty();
  }

  private boolean tokenMatches(String presented) {
    return token != null
        && presented != null
        && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The request comes from a page of this server: Origin, else Referer, names our host (over http,
   * or https when a TLS proxy is in front and passes the Host header on).
   */
  private static boolean sameOrigin(HttpExchange ex) {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return false;
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String referer = ex.getRequestHeaders().getFirst("Referer");
    for (String self : new String[] {"http://" + host, "https://" + host}) {
      if (origin != null
          ? origin.equals(self)
          : referer != null && (referer.equals(self) || referer.startsWith(self + "/"))) {
        return true;
      }
    }
    return false;
  }

  private Optional<String> session(HttpExchange ex) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(COOKIE + "=")) {
          String id = p.substring(COOKIE.length() + 1);
          Session s = sessions.get(id);
          if (s != null && nanos.getAsLong() - s.openedNanos() < SESSION_TTL.toNanos()) {
            return Optional.of(id);
          }
          if (s != null) {
            sessions.remove(id, s);
          }
        }
      }
    }
    return Optional.empty();
  }
}
