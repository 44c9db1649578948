#!/bin/sh
# Always rate-limited, with a retry-after. Usage: rate-limited.sh RETRY_AFTER_SECONDS
cat > /dev/null
echo "API Error: 429 {\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}} retry-after: $1" >&2
exit 1
