#!/usr/bin/env bash
# Regenerates the bad-day screenshots of the dashboard (docs/dashboard.md) with Debian's chromium: runs the browser
# test that makes the bad day for real (a lost pack, the failed check, the failed verify of the damaged backup) and
# copies its screenshots here. Run by hand from anywhere: docs/screenshots/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tests/Coffre.EndToEndTests -c Release -nologo -v q
COFFRE_SCREENSHOTS="$PWD/docs/screenshots" dotnet test tests/Coffre.EndToEndTests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~BadDayInBrowserTests"
ls -l docs/screenshots/*.png
