package dev.spool.protocol.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.spool.protocol.FieldException;
import dev.spool.protocol.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one configured JSON codec of the spool. Strict where leniency would hide mistakes (duplicate
 * keys, trailing content, strings where numbers belong, floats where integers belong, invalid
 * UTF-8, deep nesting) and tolerant of unknown fields (the evolution policy in PROTOCOL.md).
 *
 * <p>Thread-safe: one shared immutable mapper.
 */
public final class SpoolJson {
  /** The largest document the codec reads; larger files are refused before they are read. */
  public static final int MAX_DOCUMENT_BYTES = 1024 * 1024;

  /** Maximum nesting of arrays and objects, also inside free {@code input} and {@code metadata}. */
  public static final int MAX_NESTING = 64;

  private static final ObjectMapper MAPPER = build(false);

  // PRETTY and OUTPUT are built on first use: building a mapper is a large part of a short
  // command's start-up (spool submit uses only MAPPER).
  private static final class Pretty {
    static final ObjectMapper MAPPER = build(true);
  }

  private static final class Output {
    static final ObjectMapper MAPPER =
        build(true)
            .setDefaultPropertyInclusion(
                JsonInclude.Value.construct(
                    JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS));
  }

  private SpoolJson() {}

  private static ObjectMapper build(boolean pretty) {
    StreamReadConstraints limits =
        StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING)
            .maxNumberLength(64)
            .maxStringLength(MAX_DOCUMENT_BYTES)
            .build();
    JsonMapper mapper =
        JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .configure(SerializationFeature.INDENT_OUTPUT, pretty)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .addModule(new JavaTimeModule())
            .addModule(DurationSeconds.module())
            .addModule(InstantText.module())
            .build();
    mapper.getFactory().setStreamReadConstraints(limits);
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    for (LogicalType t :
        new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      mapper
          .coercionConfigFor(t)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    return mapper;
  }

  /** The shared mapper, for callers that need tree access (e.g. {@code input} templates). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Decodes one document.
   *
   * @param source the file or other origin, named in every error
   * @throws InvalidInputException naming the source and, where possible, the field
   */
  public static <T> T read(String source, byte[] bytes, Class<T> type)
      throws InvalidInputException {
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new InvalidInputException(
          source, null, "is " + bytes.length + " bytes, over the limit of " + MAX_DOCUMENT_BYTES);
    }
    if (isBlank(bytes)) {
      throw new InvalidInputException(source, null, "is empty");
    }
    int start = checkUtf8(source, bytes);
    try {
      T value = MAPPER.readValue(bytes, start, bytes.length - start, type);
      if (value == null) {
        throw new InvalidInputException(source, null, "holds JSON null, not an object");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw translate(source, e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from a byte array cannot fail", e);
    }
  }

  /** Encodes compactly (one line, UTF-8). */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** Encodes indented, for files humans read and the CLI's {@code --json}. */
  public static byte[] writePretty(Object value) {
    try {
      return Pretty.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Encodes indented for the CLI's {@code --json} and reports: empty lists stay, and map entries
   * with null values are written as {@code null}, so scripts always find every documented key.
   */
  public static byte[] writeOutput(Object value) {
    try {
      return Output.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** Validates UTF-8 and returns the offset after an optional UTF-8 byte order mark. */
  private static int checkUtf8(String source, byte[] bytes) throws InvalidInputException {
    int start =
        bytes.length >= 3
                && (bytes[0] & 0xff) == 0xEF
                && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF
            ? 3
            : 0;
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    try {
      decoder.decode(in);
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(
          source, null, "is not valid UTF-8 (bad byte near offset " + in.position() + ")");
    }
    return start;
  }

  private static InvalidInputException translate(String source, JsonProcessingException e) {
    Throwable cause = e.getCause();
    if (e instanceof ValueInstantiationException && cause instanceof FieldException) {
      FieldException fe = (FieldException) cause;
      String prefix = path((JsonMappingException) e);
      String field = prefix.isEmpty() ? fe.field() : prefix + "." + fe.field();
      return new InvalidInputException(source, field, fe.reason(), e);
    }
    if (e instanceof StreamConstraintsException || cause instanceof StreamConstraintsException) {
      return new InvalidInputException(
          source, null, "exceeds a parser limit: " + shorten(e.getOriginalMessage()), e);
    }
    if (e instanceof JsonMappingException
        && cause instanceof JsonProcessingException
        && !(cause instanceof JsonMappingException)) {
      String field = path((JsonMappingException) e);
      return syntax(source, field.isEmpty() ? null : field, (JsonProcessingException) cause);
    }
    if (e instanceof JsonMappingException) {
      String field = path((JsonMappingException) e);
      return new InvalidInputException(
          source, field.isEmpty() ? null : field, mismatch((JsonMappingException) e), e);
    }
    return syntax(source, null, e);
  }

  private static InvalidInputException syntax(
      String source, String field, JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.core.exc.InputCoercionException) {
      return new InvalidInputException(
          source, field, "number out of range: expected an integer", e);
    }
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + " column "
                + e.getLocation().getColumnNr();
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    String what =
        message.contains("end-of-input")
            ? "it ends early (truncated, or still being written)"
            : shorten(message.replaceAll("\\s*\\(for .*?\\)", ""));
    return new InvalidInputException(source, field, "is not valid JSON" + where + ": " + what, e);
  }

  /** "expected an integer, got a string" instead of Jackson's class names and config hints. */
  private static String mismatch(JsonMappingException e) {
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e.getCause() instanceof FieldException) {
      return ((FieldException) e.getCause()).reason();
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException
        && e.getCause() instanceof IllegalArgumentException
        && e.getCause().getMessage() != null) {
      return shorten(e.getCause().getMessage());
    }
    if (m.startsWith("Trailing token")) {
      return "has content after the JSON object";
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException) {
      com.fasterxml.jackson.databind.exc.InvalidFormatException f =
          (com.fasterxml.jackson.databind.exc.InvalidFormatException) e;
      if (f.getValue() instanceof String && f.getTargetType() != null) {
        return "expected "
            + describe(f.getTargetType())
            + ", got "
            + dev.spool.protocol.Require.quoteShort((String) f.getValue());
      }
    }
    Class<?> target =
        e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
            ? ((com.fasterxml.jackson.databind.exc.MismatchedInputException) e).getTargetType()
            : null;
    String found = found(m);
    if (m.contains("out of range")) {
      return "number out of range" + (target == null ? "" : ": expected " + describe(target));
    }
    if (target != null && found != null) {
      return "expected " + describe(target) + ", got " + found;
    }
    if (m.startsWith("a duration")
        || m.contains("could not be parsed")
        || m.startsWith("Cannot deserialize value of type `java.time")) {
      return shorten(
          m.replaceAll(
              "Cannot deserialize value of type `java\\.time\\.Instant` from String ",
              "not an ISO-8601 time: "));
    }
    return "wrong value: " + shorten(m.replaceAll("`[a-z]+(\\.[a-zA-Z$]+)+[^`]*`", "value"));
  }

  private static String found(String m) {
    String[][] kinds = {
      {"String value", "a string"},
      {"Integer value", "an integer"},
      {"Floating-point value", "a decimal number"},
      {"Boolean value", "true or false"},
      {"Array value", "an array"},
      {"Object value", "an object"},
      {"Null value", "null"},
      {"START_ARRAY", "an array"},
      {"START_OBJECT", "an object"},
      {"VALUE_STRING", "a string"},
      {"VALUE_NUMBER_INT", "an integer"},
      {"VALUE_NUMBER_FLOAT", "a decimal number"},
      {"VALUE_TRUE", "true or false"},
      {"VALUE_FALSE", "true or false"}
    };
    for (String[] k : kinds) {
      if (m.contains(k[0])) {
        return k[1];
      }
    }
    return null;
  }

  private static String describe(Class<?> t) {
    if (t == String.class) {
      return "a string";
    }
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "an integer";
    }
    if (t == Double.class || t == double.class) {
      return "a number";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "true or false";
    }
    if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
      return "an array";
    }
    if (t == java.time.Instant.class) {
      return "an ISO-8601 time such as \"2026-11-21T18:00:00Z\"";
    }
    if (t == java.time.Duration.class) {
      return "a number of seconds";
    }
    if (t.isEnum()) {
      return "a string";
    }
    return "an object";
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** One printable line of at most 200 characters: a reason may quote input, never raw bytes. */
  private static String shorten(String message) {
    if (message == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < message.length() && sb.length() < 200; i++) {
      char c = message.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t') {
        sb.append(' ');
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.length() < 200 ? sb.toString() : sb + "...";
  }
}
