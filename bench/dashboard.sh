#!/usr/bin/env bash
# bench/dashboard.sh - the time of a dashboard page and of /health on a busy service: an application with
# --backups backups and a journal of --lines runs, served by `coffre serve`.
#
#   bench/dashboard.sh [--backups N] [--lines N] [--requests N] [--work DIR] [--out FILE] [--rev REV]
#
#   --backups N   backups in the repository (default 1000): one real `coffre backup`, then its snapshot saved
#                 again N-1 times an hour apart (bench/dashboard/fixture.cs, through the engine: real, sealed
#                 snapshot files of the application)
#   --lines N     runs in history.jsonl (default 100000): copies of the real backup's journal line, an hour apart
#   --requests N  timed requests of each kind (default 50), after the first one (timed apart: it opens the
#                 repository when the service keeps it open)
#   --work DIR    where the application, repository and logs go (default: <repo>/.bench/dashboard, git-ignored)
#   --out FILE    where the table goes besides stdout (default: bench/results/dashboard-latest.txt)
#   --rev REV     build coffre from the committed revision REV instead of the working tree (the "before")
#   --coffre PATH use that coffre executable as it is (already built; nothing is compiled but fixture.cs)
#   --reuse       keep the application, repository and journal an earlier run left in --work (no fixture made)
#
# Measured with curl's time_total, on 127.0.0.1, one request at a time: GET / (logged in) and GET /health
# (with the metrics token: the findings too). Target (issue 12): the page under 50 ms. See bench/README.md.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BENCH_NAME=dashboard.sh
COMMAND="bench/dashboard.sh${*:+ $*}"
BACKUPS=1000 LINES=100000 REQUESTS=50 WORK="" OUT="" REV="" SMALL=0 IDLE_WAIT=0 GIVEN="" REUSE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --backups) BACKUPS="$2"; shift 2;;
    --lines) LINES="$2"; shift 2;;
    --requests) REQUESTS="$2"; shift 2;;
    --work) WORK="$2"; shift 2;;
    --out) OUT="$2"; shift 2;;
    --rev) REV="$2"; shift 2;;
    --coffre) GIVEN="$2"; shift 2;;
    --reuse) REUSE=1; shift;;
    -h|--help) sed -n '2,21p' "$0"; exit 0;;
    *) echo "dashboard.sh: unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
for n in "$BACKUPS" "$LINES" "$REQUESTS"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "dashboard.sh: counts are positive integers" >&2; exit 2; }; done
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
bench_check_work "$ROOT/.bench/dashboard"
OUT=${OUT:-$HERE/results/dashboard-latest.txt}

if [[ -n "$GIVEN" ]]; then
  [[ -x "$GIVEN" ]] || die "--coffre $GIVEN is not an executable"
  COFFRE=$(realpath "$GIVEN"); REV=""
  CODE_DESC="$(git -C "$(dirname "$COFFRE")" rev-parse --short HEAD 2>/dev/null || echo '?') (the build at $COFFRE)"
else
  bench_build_coffre
fi
APP="$WORK/app"
export COFFRE_PASSWORD="bench-dashboard-password" COFFRE_METRICS_TOKEN="bench-metrics-token-0123456789"
ADMIN_PASSWORD="bench admin password"
if (( REUSE )); then
  [[ -f "$APP/coffre.json" && -d "$APP/repo" ]] || die "--reuse: no earlier fixture in $WORK"
  PORT=$(sed -n 's/.*"listen": "127.0.0.1:\([0-9]*\)".*/\1/p' "$APP/coffre.json")
  BACKUPS=$(ls "$APP/repo/snapshots" | wc -l); LINES=$(wc -l <"$APP/logs/history.jsonl")
else
rm -rf "$APP"; mkdir -p "$APP/media/uploads" "$APP/data"

log "fixture: an application, $BACKUPS backups, $LINES journal lines"
head -c 2000000 /dev/urandom >"$APP/media/uploads/photo.jpg"
echo "notes" >"$APP/media/uploads/notes.txt"
sqlite3 "$APP/data/app.sqlite3" "create table products(id integer primary key, name text); insert into products(name) values ('a'),('b');"
HASH=$(printf '%s\n' "$ADMIN_PASSWORD" | "$COFFRE" serve hash-password)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$APP/coffre.json" <<JSON
{ "application": "shop",
  "repository": { "path": "repo", "passwordEnv": "COFFRE_PASSWORD" },
  "databases": [ { "name": "main", "engine": "sqlite", "path": "data/app.sqlite3" } ],
  "media": [ { "path": "media" } ],
  "server": { "listen": "127.0.0.1:$PORT", "admin": { "user": "admin", "passwordHash": "$HASH" }, "metricsTokenEnv": "COFFRE_METRICS_TOKEN" } }
JSON
( cd "$APP" && "$COFFRE" init && "$COFFRE" -q backup ) >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log" >&2; die "init or the first backup failed"; }
t0=$(date +%s.%N)
# fixture.cs against the engine just built (the revision measured), compiled in WORK, apart from any other build.
SRC=$ROOT; [[ -n "$REV" ]] && SRC="$WORK/build"
mkdir -p "$WORK/fixture"
sed "s|^#:project .*|#:project $SRC/src/Coffre/Coffre.csproj|" "$HERE/dashboard/fixture.cs" >"$WORK/fixture/fixture.cs"
dotnet run -c Release "$WORK/fixture/fixture.cs" -- "$APP/repo" "$BACKUPS" >"$WORK/fixture.log" 2>&1 || { cat "$WORK/fixture.log" >&2; die "fixture.cs failed"; }
log "snapshots made in $(printf '%.0f' "$(echo "$(date +%s.%N) - $t0" | bc)") s: $(tail -1 "$WORK/fixture.log")"
# The journal: the real backup's line again and again, an hour apart, oldest first.
python3 - "$APP/logs/history.jsonl" "$LINES" <<'PY'
import json, sys, datetime
path, lines = sys.argv[1], int(sys.argv[2])
records = [json.loads(l) for l in open(path) if l.strip()]
template = next(r for r in reversed(records) if r.get("operation") == "backup")
end = datetime.datetime.now(datetime.timezone.utc)
with open(path, "w") as out:
    for i in range(lines):
        r = dict(template)
        t = end - datetime.timedelta(hours=lines - i)
        r["start"] = t.isoformat(); r["end"] = (t + datetime.timedelta(seconds=3)).isoformat()
        out.write(json.dumps(r, separators=(",", ":")) + "\n")
PY
fi

log "serving on 127.0.0.1:$PORT"
( cd "$APP" && exec "$COFFRE" serve ) >"$WORK/serve.log" 2>&1 &
SERVE=$!
trap 'kill "$SERVE" 2>/dev/null || true; wait "$SERVE" 2>/dev/null || true' EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 600); do
  curl -s -o /dev/null "$URL/health" && break
  kill -0 "$SERVE" 2>/dev/null || { cat "$WORK/serve.log" >&2; die "coffre serve exited"; }
  sleep 0.2
done
JAR="$WORK/cookies"; rm -f "$JAR"
TOKEN=$(curl -s -c "$JAR" -b "$JAR" "$URL/login" | sed -n 's/.*name="__RequestVerificationToken" value="\([^"]*\)".*/\1/p' | head -1)
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "__RequestVerificationToken=$TOKEN" --data-urlencode "user=admin" \
  --data-urlencode "password=$ADMIN_PASSWORD" "$URL/login"

# time_total of one request, in ms; fails when the answer is not 200 (or 503 for /health).
timed() {
  local out code
  out=$(curl -s -o "$WORK/last.html" -w '%{http_code} %{time_total}' "$@")
  code=${out% *}
  [[ "$code" == 200 || ( "$code" == 503 && "$*" == *health* ) ]] || { head -c 2000 "$WORK/last.html" >&2; die "HTTP $code for $*"; }
  awk -v t="${out#* }" 'BEGIN { printf "%.1f\n", t * 1000 }'
}
page() { timed -b "$JAR" "$URL/"; }
health() { timed -H "Authorization: Bearer $COFFRE_METRICS_TOKEN" "$URL/health"; }
FIRST_PAGE=$(page)
grep -q 'shop' "$WORK/last.html" || die "the page is not the dashboard"
ROWS=$(grep -o '/backups/[0-9a-f]\{64\}"' "$WORK/last.html" | sort -u | wc -l)
FIRST_HEALTH=$(health)
: >"$WORK/page.ms"; : >"$WORK/health.ms"
for _ in $(seq "$REQUESTS"); do page >>"$WORK/page.ms"; health >>"$WORK/health.ms"; done
RSS=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$SERVE/status")
kill "$SERVE"; wait "$SERVE" 2>/dev/null || true; trap - EXIT

stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%8.1f %8.1f %8.1f", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.999)], v[NR] }'; }
{
  echo "# $COMMAND"
  echo "# coffre $CODE_DESC, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $BACKUPS backups ($ROWS linked on the page), $LINES journal lines ($(du -h "$APP/logs/history.jsonl" | cut -f1)), $REQUESTS requests each"
  printf '%-16s %8s %8s %8s %8s   (ms)\n' request first median p90 max
  printf '%-16s %8s %s\n' "GET /" "$FIRST_PAGE" "$(stats "$WORK/page.ms")"
  printf '%-16s %8s %s\n' "GET /health" "$FIRST_HEALTH" "$(stats "$WORK/health.ms")"
  echo "service RSS after the requests: $RSS MiB"
} | tee "$OUT"
