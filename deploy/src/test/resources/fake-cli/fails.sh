#!/bin/sh
# A plain failure: no pattern a rule knows.
cat > /dev/null
echo "segmentation fault in the model loader" >&2
exit 3
