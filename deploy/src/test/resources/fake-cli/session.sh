#!/bin/sh
# Answers with the arguments it got and a session id, as a CLI that continues a conversation
# with --resume SESSION does (claude -p --resume, gemini --resume).
cat > /dev/null
echo "{\"result\": \"args:$*\", \"session_id\": \"sess-7f3a\"}"
