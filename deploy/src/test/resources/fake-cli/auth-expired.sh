#!/bin/sh
# Credentials expired: the CLI asks the user to log in again and exits non-zero.
cat > /dev/null
echo "Error: Your authentication token has expired. Please run 'cli login' to re-authenticate." >&2
exit 1
