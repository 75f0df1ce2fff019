#!/usr/bin/env bash
# Regenerates the generated parts of the docs from the code: the settings tables of docs/configuration.md (from the
# options classes' doc comments) and the log-event table of docs/operations.md (from the [LoggerMessage] attributes).
# Tests (Cli/ConfigDocsTests) fail when the committed docs differ from what this writes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet build src/TokenIM.Cli -c Release -v quiet -nologo -p:SkipWebBuild=true >/dev/null
tokenim=src/TokenIM.Cli/bin/Release/net10.0/tokenim
"$tokenim" config default --write docs/configuration.md
"$tokenim" config events --write docs/operations.md
echo "docs/configuration.md and docs/operations.md (Logs) regenerated"
