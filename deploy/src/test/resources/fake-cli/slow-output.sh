#!/bin/sh
# Emits output slowly (one line every 0.3 s), then the answer: never idle long enough to be
# stopped by an idle timeout of a few seconds.
cat > /dev/null
for i in 1 2 3 4 5; do echo "thinking $i..." >&2; sleep 0.3; done
echo "slow answer"
