#!/usr/bin/env bash
# The main job on the embedded default: build coffre, back up the sample folder into ./backups, list it,
# check it. The demo password is generated once into ~/.config/coffre/demo-password (mode 0600): never
# in a config file or on the command line.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build src/Coffre.Cli -c Release -nologo -v q >/dev/null
coffre=src/Coffre.Cli/bin/Release/net10.0/coffre
pwfile="${XDG_CONFIG_HOME:-$HOME/.config}/coffre/demo-password"
if [ ! -f "$pwfile" ]; then
  mkdir -p "$(dirname "$pwfile")"
  (umask 077 && head -c 24 /dev/urandom | base64 > "$pwfile")
fi
export COFFRE_REPOSITORY=./backups COFFRE_PASSWORD_FILE="$pwfile"
[ -f backups/config ] || "$coffre" init
"$coffre" backup samples/site --tag demo
"$coffre" snapshots
"$coffre" check
