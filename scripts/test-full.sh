#!/usr/bin/env bash
# The test command with the issue's full sizes for the fault and abuse tests (1,000 refresh rotations, 10,000 sends
# with lost acks, 100,000 random WebSocket frames, …) instead of CI's smoke sizes. Slower; not run by CI.
set -euo pipefail
export TOKENIM_FULL_SIZES=1
exec bash "$(dirname "$0")/test.sh"
