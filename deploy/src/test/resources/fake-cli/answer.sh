#!/bin/sh
# Answers after a delay. Usage: answer.sh LABEL DELAY_SECONDS; the prompt arrives on stdin
# (prompt: stdin), or as $3 (prompt: argument).
label="$1"; delay="${2:-0}"
if [ -n "$3" ]; then prompt="$3"; else prompt=$(cat); fi
sleep "$delay"
echo "{\"response\": \"[$label] answer to: $prompt\", \"stats\": {\"input_tokens\": ${#prompt}, \"output_tokens\": 7}}"
