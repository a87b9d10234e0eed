#!/usr/bin/env bash
# The main job on the embedded default: build coffre, back up the bundled sample application (a SQLite
# database and a media folder, samples/app/coffre.json) into ./backups, list the backups and check them.
# The demo password is generated once into ~/.config/coffre/demo-password (mode 0600) and handed to coffre
# through the environment, as samples/app/coffre.json asks (passwordEnv): never in a config file or argv.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build src/Coffre.Cli -c Release -nologo -v q >/dev/null
coffre=src/Coffre.Cli/bin/Release/net10.0/coffre
pwfile="${XDG_CONFIG_HOME:-$HOME/.config}/coffre/demo-password"
if [ ! -f "$pwfile" ]; then
  mkdir -p "$(dirname "$pwfile")"
  (umask 077 && head -c 24 /dev/urandom | base64 > "$pwfile")
fi
COFFRE_PASSWORD="$(cat "$pwfile")"
export COFFRE_PASSWORD
config=samples/app/coffre.json
"$coffre" config check -c "$config"
[ -f backups/config ] || "$coffre" init -c "$config"
"$coffre" backup -c "$config"
"$coffre" list -c "$config"
"$coffre" check -c "$config"
# A test restore of the newest backup into a scratch folder (nothing in place is touched): the database is
# checked with PRAGMA integrity_check, row counts and every file are verified against the backup.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$coffre" restore latest -c "$config" --target "$scratch/restore"
