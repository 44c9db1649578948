#!/bin/sh
# Asks an interactive question and waits for the answer on stdin. With stdin at EOF the read
# fails and the CLI gives up, as a Python CLI does on EOFError.
printf 'The workspace is not trusted. Trust this folder and continue? [y/N] '
if read answer; then
  echo "got: $answer"
  exit 0
fi
echo "EOFError: EOF when reading a line" >&2
exit 1
