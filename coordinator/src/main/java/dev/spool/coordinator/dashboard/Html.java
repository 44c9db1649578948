package dev.spool.coordinator.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * HTML building with escaping as the only way in: every string that may come from a task file (an
 * id, a label, a worker name, output) goes through {@link #text}, which escapes the five characters
 * that matter in text and in quoted attributes. Not thread-safe (one per response).
 */
final class Html {
  private final StringBuilder sb = new StringBuilder(4096);

  /** Escapes text for an element body or a double-quoted attribute value. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // Control characters other than tab and newline have no business in a page.
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** Encodes a query or path component. */
  static String url(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  /** Appends markup written by this program (never data). */
  Html raw(String markup) {
    sb.append(markup);
    return this;
  }

  /** Appends data, escaped. */
  Html text(Object data) {
    sb.append(escape(data == null ? "" : String.valueOf(data)));
    return this;
  }

  /** Starts a page: the head with the stylesheet and script (CSP allows only these). */
  Html open(String title, String csrf) {
    raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
    raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    raw("<title>").text(title).raw(" · Spool</title>");
    raw("<link rel=\"stylesheet\" href=\"/static/app.css\">");
    raw("<script src=\"/static/app.js\" defer></script>");
    if (csrf != null) {
      raw("<meta name=\"csrf\" content=\"").text(csrf).raw("\">");
    }
    raw("</head><body><header><a class=\"brand\" href=\"/\">Spool</a>");
    raw("<nav><a href=\"/\">Overview</a><a href=\"/tasks\">Tasks</a>");
    raw("<a href=\"/metrics\">Metrics</a></nav>");
    if (csrf != null) {
      raw("<form class=\"logout\" method=\"post\" action=\"/logout\"><input type=\"hidden\" ");
      raw("name=\"csrf\" value=\"")
          .text(csrf)
          .raw("\"><button id=\"logout\">log out</button></form>");
    }
    raw("</header><main>");
    return this;
  }

  Html close() {
    raw("</main></body></html>");
    return this;
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
