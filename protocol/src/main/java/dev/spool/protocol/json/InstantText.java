package dev.spool.protocol.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Instants are ISO-8601 strings with an offset ({@code Z} when written). A number is refused: a
 * millisecond count read as seconds would put a task 50,000 years in the future.
 *
 * <p>Every task and result carries several instants, and {@link DateTimeFormatter} costs more than
 * the rest of a record's decoding; so the shapes Spool writes ({@code 2026-11-21T18:00:00Z}, with
 * an optional fraction and a numeric offset) are parsed and written by hand, and anything else goes
 * through the formatter, which stays the definition of what is accepted ({@link #parse}, {@link
 * #format}).
 */
final class InstantText {
  private static final int SECONDS_PER_DAY = 86_400;

  private InstantText() {}

  static SimpleModule module() {
    SimpleModule m = new SimpleModule("spool-instant-text");
    m.addDeserializer(Instant.class, new Reader());
    m.addSerializer(Instant.class, new Writer());
    return m;
  }

  /**
   * {@code OffsetDateTime.parse(text, ISO_OFFSET_DATE_TIME).toInstant()}, with the same results and
   * the same refusals.
   *
   * @throws DateTimeParseException when the text is not an ISO-8601 time with offset
   */
  static Instant parse(String text) {
    Instant fast = parseCommon(text);
    return fast != null
        ? fast
        : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /** {@link Instant#toString()} (ISO-8601 in UTC, fraction in groups of three digits). */
  static String format(Instant t) {
    long seconds = t.getEpochSecond();
    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
    LocalDate date = day >= 0 && day < 2_932_897 ? LocalDate.ofEpochDay(day) : null;
    if (date == null) {
      return t.toString(); // before 1970 or after 9999: the formatter's signs and widths
    }
    int secondOfDay = Math.floorMod(seconds, SECONDS_PER_DAY);
    StringBuilder b = new StringBuilder(30);
    pad(b, date.getYear(), 4).append('-');
    pad(b, date.getMonthValue(), 2).append('-');
    pad(b, date.getDayOfMonth(), 2).append('T');
    pad(b, secondOfDay / 3600, 2).append(':');
    pad(b, secondOfDay / 60 % 60, 2).append(':');
    pad(b, secondOfDay % 60, 2);
    int nano = t.getNano();
    if (nano != 0) {
      b.append('.');
      if (nano % 1_000_000 == 0) {
        pad(b, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        pad(b, nano / 1000, 6);
      } else {
        pad(b, nano, 9);
      }
    }
    return b.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder b, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:MM|-HH:MM)} with valid fields; null for anything else
   * (the formatter then decides).
   */
  private static Instant parseCommon(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    int year = num(s, 0, 4);
    int month = num(s, 5, 2);
    int day = num(s, 8, 2);
    int hour = num(s, 11, 2);
    int minute = num(s, 14, 2);
    int second = num(s, 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int i = 19;
    int nano = 0;
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      int digits = i - start;
      if (digits < 1 || digits > 9) {
        return null;
      }
      nano = num(s, start, digits);
      for (int k = digits; k < 9; k++) {
        nano *= 10;
      }
    }
    int offset;
    if (i == n - 1 && s.charAt(i) == 'Z') {
      offset = 0;
    } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
      int oh = num(s, i + 1, 2);
      int om = num(s, i + 4, 2);
      if (oh < 0 || om < 0 || oh > 18 || om > 59 || (oh == 18 && om != 0)) {
        return null;
      }
      offset = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
    } else {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    long seconds = epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second - offset;
    return Instant.ofEpochSecond(seconds, nano);
  }

  /** The decimal number in {@code s[from, from+len)}, or -1 if any character is not a digit. */
  private static int num(String s, int from, int len) {
    int v = 0;
    for (int i = from; i < from + len; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static final class Reader extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Instant)
            ctx.handleUnexpectedToken(
                Instant.class,
                p.currentToken(),
                p,
                "expected an ISO-8601 time such as \"2026-11-21T18:00:00Z\"");
      }
      String text = p.getText();
      try {
        return parse(text);
      } catch (DateTimeParseException e) {
        return (Instant)
            ctx.handleWeirdStringValue(
                Instant.class,
                text,
                "not an ISO-8601 time with offset, such as \"2026-11-21T18:00:00Z\"");
      }
    }
  }

  private static final class Writer extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(format(value));
    }
  }
}
