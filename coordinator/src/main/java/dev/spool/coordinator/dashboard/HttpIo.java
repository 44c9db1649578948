package dev.spool.coordinator.dashboard;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading requests and writing responses, with the security headers every response carries. */
final class HttpIo {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final int MAX_FORM_BYTES = 64 * 1024;

  private HttpIo() {}

  /** Query parameters (the first value of each name). */
  static Map<String, String> query(HttpExchange ex) {
    return parse(ex.getRequestURI().getRawQuery());
  }

  /** An urlencoded form body of at most 64 KiB; a larger body yields an empty form. */
  static Map<String, String> form(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
      if (body.length > MAX_FORM_BYTES) {
        return Map.of();
      }
      return parse(new String(body, StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> parse(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.putIfAbsent(k, v);
      } catch (IllegalArgumentException e) {
        // A malformed escape: ignore that pair, as browsers never send one.
      }
    }
    return out;
  }

  static void send(HttpExchange ex, int status, String contentType, byte[] body)
      throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", contentType);
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "same-origin");
    h.set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : (body.length == 0 ? -1 : body.length));
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
    ex.close();
  }

  static void html(HttpExchange ex, int status, String html) throws IOException {
    send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  static void text(HttpExchange ex, int status, String text) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  static void json(HttpExchange ex, byte[] json) throws IOException {
    send(ex, 200, "application/json; charset=utf-8", json);
  }

  /** Streams a file as plain text (a log is never rendered as HTML). */
  static void stream(HttpExchange ex, Path file) throws IOException {
    try (InputStream in =
        Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      Headers h = ex.getResponseHeaders();
      h.set("Content-Type", "text/plain; charset=utf-8");
      h.set("Content-Security-Policy", CSP);
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Cache-Control", "no-store");
      if ("HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        in.transferTo(out);
      }
    } finally {
      ex.close();
    }
  }

  /** Serves a resource of this package (the script and the stylesheet). */
  static void resource(HttpExchange ex, String name, String type) throws IOException {
    try (InputStream in = HttpIo.class.getResourceAsStream(name)) {
      if (in == null) {
        text(ex, 404, "not found");
        return;
      }
      send(ex, 200, type, in.readAllBytes());
    }
  }

  static void redirect(HttpExchange ex, String location, String cookie) throws IOException {
    if (cookie != null) {
      ex.getResponseHeaders().add("Set-Cookie", cookie);
    }
    ex.getResponseHeaders().set("Location", location);
    send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
  }
}
