package dev.spool.coordinator.dashboard;

import dev.spool.coordinator.ops.ActionResult;

/** The login form (the access token opens a session) and the page an action answers with. */
final class LoginPage {
  private LoginPage() {}

  static String render(boolean actionsAllowed, String error) {
    Html h = new Html().open("Log in", null);
    h.raw("<h1>Log in</h1>");
    if (!actionsAllowed) {
      h.raw("<p>This dashboard is read-only: it was started without --allow-actions.</p>");
      return h.close().toString();
    }
    if (error != null) {
      h.raw("<p class=\"error\">").text(error).raw("</p>");
    }
    h.raw("<form method=\"post\" action=\"/login\"><label>access token ");
    h.raw("<input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\"></label>");
    h.raw("<button id=\"login\">log in</button></form>");
    h.raw("<p class=\"note\">The token was printed when the dashboard started.</p>");
    return h.close().toString();
  }

  static String result(String title, String message, String taskId) {
    Html h = new Html().open(title, null);
    h.raw("<h1>").text(title).raw("</h1><p id=\"result\">").text(message).raw("</p>");
    if (taskId != null) {
      h.raw("<p><a id=\"back\" href=\"/task?id=").text(Html.url(taskId)).raw("\">back to ");
      h.text(taskId).raw("</a></p>");
    }
    return h.close().toString();
  }

  static String describe(ActionResult r) {
    if (r instanceof ActionResult.Moved) {
      return "now " + ((ActionResult.Moved) r).now().state().code();
    }
    if (r instanceof ActionResult.Requested) {
      return ((ActionResult.Requested) r).what();
    }
    if (r instanceof ActionResult.NotFound) {
      return "no such task";
    }
    return "refused: " + ((ActionResult.Refused) r).why();
  }
}
