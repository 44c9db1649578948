#!/bin/sh
# Prints a JSON answer with usage, cost and a session id, as claude -p --output-format json does.
cat > /dev/null
echo '{"type":"result","subtype":"success","result":"42 is the answer","session_id":"sess-7f3a","total_cost_usd":0.0123,"usage":{"input_tokens":1234,"output_tokens":56}}'
