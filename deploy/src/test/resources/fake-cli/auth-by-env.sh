#!/bin/sh
# Authenticates with FAKE_TOKEN from the account's env file: "expired" is refused like an
# expired login; any other token answers (without ever printing the token).
cat > /dev/null
if [ "$FAKE_TOKEN" = "expired" ] || [ -z "$FAKE_TOKEN" ]; then
  echo "Error: Your authentication token has expired. Please run 'cli login' to re-authenticate." >&2
  exit 1
fi
echo '{"response": "authenticated answer"}'
