#!/bin/sh
# A rate-limited server: the first call starts a window of RETRY_AFTER seconds (kept in
# STATE_FILE, created with O_EXCL so concurrent first calls agree) during which every call is
# refused like an HTTP 429 with the seconds left as retry-after; after it, calls answer.
# Usage: rate-limited-until.sh STATE_FILE RETRY_AFTER_SECONDS LABEL
state="$1"; after="$2"; label="$3"
cat > /dev/null
now=$(date +%s)
( set -C; echo $((now + after)) > "$state" ) 2>/dev/null
until=$(cat "$state")
[ -n "$until" ] || until=$((now + after))
if [ "$now" -lt "$until" ]; then
  echo "Error: 429 Too Many Requests: rate limit exceeded for this account." >&2
  echo "Please retry after $((until - now)) seconds." >&2
  exit 1
fi
echo "{\"response\": \"[$label] answer\"}"
