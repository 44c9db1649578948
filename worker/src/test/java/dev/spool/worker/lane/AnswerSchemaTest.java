package dev.spool.worker.lane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Answers checked against a task's JSON schema. */
@Timeout(30)
class AnswerSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode schema(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static final String VERDICT =
      "{\"type\": \"object\", \"required\": [\"verdict\"], \"additionalProperties\": false,"
          + " \"properties\": {\"verdict\": {\"enum\": [\"ok\", \"no\"]}}}";

  @Test
  void aMatchingAnswerHasNoProblemsEvenInsideACodeFence() throws Exception {
    assertEquals(List.of(), AnswerSchema.problems(schema(VERDICT), "{\"verdict\": \"ok\"}"));
    assertEquals(
        List.of(), AnswerSchema.problems(schema(VERDICT), "```json\n{\"verdict\": \"no\"}\n```\n"));
  }

  @Test
  void wrongShapesAndProseAreNamed() throws Exception {
    List<String> wrong =
        AnswerSchema.problems(schema(VERDICT), "{\"verdict\": \"maybe\", \"x\": 1}");
    assertEquals(2, wrong.size(), wrong.toString());
    assertTrue(wrong.toString().contains("verdict"), wrong.toString());
    List<String> prose = AnswerSchema.problems(schema(VERDICT), "The verdict is ok.");
    assertTrue(prose.get(0).startsWith("the answer is not JSON"), prose.toString());
    assertTrue(AnswerSchema.problems(schema(VERDICT), "").get(0).startsWith("the answer is"));
  }

  @Test
  void aSchemaThatIsNotAnObjectIsRefused() throws Exception {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AnswerSchema.check(schema("[1]")));
    assertTrue(e.getMessage().contains("input.schema"), e.getMessage());
  }

  @Test
  void aRemoteReferenceIsNeverFetched() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger hits = new AtomicInteger();
    server.createContext(
        "/",
        x -> {
          hits.incrementAndGet();
          byte[] b = "{\"type\": \"string\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, b.length);
          x.getResponseBody().write(b);
          x.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/s.json";
      JsonNode s = schema("{\"$ref\": \"" + url + "\"}");
      try {
        AnswerSchema.check(s);
        AnswerSchema.problems(s, "\"text\"");
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage().contains("input.schema"), e.getMessage());
      }
      assertEquals(0, hits.get(), "the worker fetched a URL named by a task file");
    } finally {
      server.stop(0);
    }
  }
}
