#!/bin/sh
# Structured output. Usage: structured.sh [--json-schema-file FILE]; the prompt arrives on stdin.
# With a schema file (which must name "verdict") it answers per the prompt: "good" -> JSON that
# matches, "bad" -> JSON of the wrong shape, "flaky" -> wrong on attempt 1 and right after,
# anything else -> prose. Without one it always answers prose. Exits 2 for an unusable schema file.
prompt=$(cat)
if [ "$1" = "--json-schema-file" ]; then
  [ -f "$2" ] && grep -q '"verdict"' "$2" || { echo "unusable schema file: $2" >&2; exit 2; }
else
  echo "Sure! The verdict is ok."; exit 0
fi
case "$prompt" in
  *good*) echo '```json'; echo '{"verdict": "ok", "score": 7}'; echo '```' ;;
  *bad*) echo '{"verdict": 7}' ;;
  *flaky*)
    if [ "$SPOOL_ATTEMPT" = "1" ]; then echo '{"score": "high"}'; else echo '{"verdict": "ok"}'; fi ;;
  *) echo "Sure! The verdict is ok." ;;
esac
