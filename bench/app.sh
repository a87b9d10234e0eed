#!/usr/bin/env bash
# bench/app.sh - an application's daily backups: its PostgreSQL database and its media, day after day,
# Coffre (`coffre backup` from a coffre.json) against restic (`pg_dump | restic backup --stdin` + media).
#
#   bench/app.sh [--small] [--days N] [--work DIR] [--out FILE] [--rev REV] [--idle-wait S]
#
#   --small      pass --small to make-dataset.sh (about 1/20 of the data: a quick test of the script)
#   --days N     days of backups (default 5): day 1 is the first backup, every later day starts with
#                `make-dataset.sh mutate` (untimed)
#   --work DIR   where the dataset, repositories and logs go (default: <repo>/.bench/app, git-ignored)
#   --out FILE   where the table is written besides stdout
#                (default: bench/results/app-latest.txt, or bench/results/app-latest-small.txt with --small)
#   --rev REV    build coffre from the committed revision REV instead of the working tree
#   --idle-wait S   before each measured run, wait up to S seconds (default 300; 0: do not wait) until
#                other processes use less than 15% of the CPUs
#
# Each day, each tool once (coffre first on odd days, restic first on even days), with PostgreSQL
# restarted and the page cache dropped before every run:
#   coffre   coffre -c WORK/cfg/coffre.json backup --json       (roles, row counts, pg_dump -Fc -Z0, media)
#   restic   WORK/cfg/restic-day.sh: pg_dumpall --globals-only to a file,
#            pg_dump -Fc -Z0 | restic backup --stdin, restic backup DIR/media + the roles file
# Both reach PostgreSQL over TCP as a role created for the run, with its password in an environment
# variable.  See bench/README.md.  Needs root (runuser postgres, pg_ctlcluster, drop_caches).
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

COMMAND="bench/app.sh${*:+ $*}"
SMALL=0 DAYS=5 WORK="" OUT="" IDLE_WAIT=300 REV=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --small) SMALL=1; shift;;
    --days) DAYS="$2"; shift 2;;
    --days=*) DAYS="${1#*=}"; shift;;
    --work) WORK="$2"; shift 2;;
    --work=*) WORK="${1#*=}"; shift;;
    --out) OUT="$2"; shift 2;;
    --out=*) OUT="${1#*=}"; shift;;
    --idle-wait) IDLE_WAIT="$2"; shift 2;;
    --idle-wait=*) IDLE_WAIT="${1#*=}"; shift;;
    --rev) REV="$2"; shift 2;;
    --rev=*) REV="${1#*=}"; shift;;
    -h|--help) sed -n '2,23p' "$0"; exit 0;;
    *) echo "app.sh: unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
[[ "$DAYS" =~ ^[1-9][0-9]*$ ]] || { echo "app.sh: --days needs a positive integer" >&2; exit 2; }
[[ "$IDLE_WAIT" =~ ^[0-9]+$ ]] || { echo "app.sh: --idle-wait needs a number of seconds" >&2; exit 2; }

BENCH_NAME=app.sh
. "$HERE/lib.sh"

[[ $(id -u) == 0 ]] || die "run as root (PostgreSQL is driven with runuser and pg_ctlcluster, the page cache is dropped between runs)"

bench_check_work "$ROOT/.bench/app"
if [[ -z "$OUT" ]]; then
  OUT="$HERE/results/app-latest.txt"; [[ $SMALL == 1 ]] && OUT="$HERE/results/app-latest-small.txt"
fi
bench_find_make_dataset

DATA="$WORK/data"
CFG="$WORK/cfg"
LOGS="$WORK/logs"
MEAS="$LOGS/measurements.tsv"
INFO="$LOGS/info.tsv"
PGDB=benchapp
PGROLE=coffre_bench

bench_lock
bench_prereqs
bench_build_coffre

# ---------------------------------------------------------------- PostgreSQL
psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$(pg_port)" -d postgres "$@"; }
pg_start() { [[ "$(pg_status)" == online* ]] || pg_ctlcluster "$BENCH_PGVER" "$BENCH_PGCLUSTER" start; }
# Every measured run starts with empty shared buffers (and, through drop_caches, a cold page cache), so
# neither tool dumps a database the other one has just read.
pg_restart() { pg_ctlcluster "$BENCH_PGVER" "$BENCH_PGCLUSTER" restart; }
# The CPU jiffies PostgreSQL has used so far: the postmaster and its live children (utime + stime), and the
# children it has reaped (its cutime + cstime): the backend that served a dump is gone when a run ends.
# measure() counts this apart from "other processes" (SERVER_JIFFIES): the server works for the tools.
pg_server_jiffies() {
  local datadir pm
  datadir=$(pg_lsclusters -h | awk -v v="$BENCH_PGVER" -v c="$BENCH_PGCLUSTER" '$1==v && $2==c {print $6}')
  pm=$(head -n1 "$datadir/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  { echo "$pm"; ps -o pid= --ppid "$pm"; } | while read -r pid; do
    sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null || true
  done | awk '{ s += $12 + $13 + $14 + $15 } END { printf "%d", s }'
}
SERVER_JIFFIES=pg_server_jiffies
# At the end: the role goes, and PostgreSQL is stopped again unless it was running before us.
cleanup() {
  if [[ "$(pg_status)" == online* ]]; then
    psql_admin <<<"SET client_min_messages = warning; DROP ROLE IF EXISTS $PGROLE;" >/dev/null 2>&1 || log "could not drop role $PGROLE"
    [[ $PG_WAS_ONLINE == 1 ]] || pg_ctlcluster "$BENCH_PGVER" "$BENCH_PGCLUSTER" stop
  fi
}
trap cleanup EXIT

# Passwords live in environment variables only: never in argv, never in a file.  BENCH_PGPASSWORD is
# what coffre.json's passwordEnv names; restic's script hands it to pg_dump as PGPASSWORD.
BENCH_PGPASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
export BENCH_PGPASSWORD COFFRE_PASSWORD=coffre-bench RESTIC_PASSWORD=coffre-bench
unset COFFRE_REPOSITORY COFFRE_PASSWORD_FILE RESTIC_REPOSITORY RESTIC_PASSWORD_FILE RESTIC_PASSWORD_COMMAND
unset PGPASSWORD PGHOST PGPORT PGUSER PGDATABASE PGPASSFILE PGSERVICE
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export RESTIC_CACHE_DIR="$WORK/restic/cache"

# ---------------------------------------------------------------- fresh work folder
log "work folder $WORK"
rm -rf "$DATA" "$CFG" "$LOGS" "$WORK/coffre" "$WORK/restic"
mkdir -p "$CFG" "$LOGS" "$WORK/coffre" "$WORK/restic/roles"
chmod 0700 "$WORK/restic/roles"    # restic's roles dump holds password hashes (coffre stores dumps 0600)
: >"$MEAS"; : >"$INFO"
info command "$COMMAND"
info mode "$([[ $SMALL == 1 ]] && echo small || echo full)"
info days "$DAYS"
info_environment
info postgresql "$(pg_dump --version | awk '{print $3}') (cluster $BENCH_PGVER/$BENCH_PGCLUSTER)"

# ---------------------------------------------------------------- dataset and database access
log "creating the dataset ($([[ $SMALL == 1 ]] && echo small || echo full)) in $DATA"
t0=$SECONDS
"$MAKE_DATASET" create "$DATA" $([[ $SMALL == 1 ]] && echo --small) 2>&1 | sed 's/^/  /' >&2
info dataset_create_s $((SECONDS - t0))
pg_start
PGPORT_BENCH=$(pg_port)

# A superuser with a password, over TCP (Debian's pg_hba.conf: scram-sha-256 on 127.0.0.1), like a
# production coffre.json.  Superuser, so that pg_dumpall --globals-only reads the role passwords in one go
# for both tools (for a non-superuser Coffre runs it a second time with --no-role-passwords).  The SQL
# goes through stdin, so the password is in no process's argv.
log "role $PGROLE for the run (password in \$BENCH_PGPASSWORD)"
psql_admin >/dev/null <<SQL
SET client_min_messages = warning;
DROP ROLE IF EXISTS $PGROLE;
CREATE ROLE $PGROLE LOGIN SUPERUSER PASSWORD '$BENCH_PGPASSWORD';
SQL
PGPASSWORD="$BENCH_PGPASSWORD" psql -X -q -w -h 127.0.0.1 -p "$PGPORT_BENCH" -U "$PGROLE" -d "$PGDB" -At \
  -c 'SELECT 1' >/dev/null 2>"$LOGS/pg-connect.err" ||
  die "cannot connect to $PGDB as $PGROLE over TCP (127.0.0.1:$PGPORT_BENCH): $(head -n1 "$LOGS/pg-connect.err")"

# ---------------------------------------------------------------- the two tools' daily jobs
CONFIG="$CFG/coffre.json"
cat >"$CONFIG" <<EOF
// Written by bench/app.sh: the benchmark application, as an operator would describe it.
{
  "application": "benchapp",
  "repository": { "path": "$WORK/coffre/repo", "passwordEnv": "COFFRE_PASSWORD" },
  "databases": [
    { "name": "$PGDB", "engine": "postgresql", "host": "127.0.0.1", "port": $PGPORT_BENCH,
      "database": "$PGDB", "user": "$PGROLE", "passwordEnv": "BENCH_PGPASSWORD" }
  ],
  "media": [ { "path": "$DATA/media" } ]
}
EOF
"$COFFRE" -c "$CONFIG" config check >"$LOGS/config-check.out" 2>&1 || { cat "$LOGS/config-check.out" >&2; die "coffre config check failed"; }
"$COFFRE" -c "$CONFIG" init >"$LOGS/init-coffre.out" 2>&1 || die "coffre init failed (see $LOGS/init-coffre.out)"
# restic's repository gets coffre's chunker polynomial: both cut the same files at the same places, so the
# data added per day differs only by what the tools store, not by where random polynomials cut the dump.
RREPO="$WORK/restic/repo"
RESTIC_FROM_PASSWORD="$COFFRE_PASSWORD" "$RESTIC" -r "$RREPO" init --repository-version 2 \
  --from-repo "$WORK/coffre/repo" --copy-chunker-params >"$LOGS/init-restic.out" 2>&1 ||
  die "restic init failed (see $LOGS/init-restic.out)"
poly() { "$@" cat config 2>/dev/null | tr -d ' \n' | grep -o '"chunker_polynomial":"[0-9a-f]*"'; }
POLY=$(poly "$COFFRE" -c "$CONFIG") && [[ "$POLY" == "$(poly "$RESTIC" -r "$RREPO")" ]] ||
  die "the two repositories do not have the same chunker polynomial"
info chunker_polynomial "${POLY##*:}"

# restic's day, as a cron script would run it: the roles to a file, the database through a pipe
# (one snapshot), the media and the roles file (a second snapshot).  Timed as a whole.
RESTIC_DAY="$CFG/restic-day.sh"
ROLES="$WORK/restic/roles/$PGDB.roles.sql"
cat >"$RESTIC_DAY" <<EOF
#!/usr/bin/env bash
# Written by bench/app.sh: one day's backup of the benchmark application with restic.
set -euo pipefail
export PGPASSWORD="\$BENCH_PGPASSWORD"
pg_dumpall --globals-only -w -h 127.0.0.1 -p $PGPORT_BENCH -U $PGROLE -l $PGDB >"$ROLES"
pg_dump -Fc -Z0 -w -h 127.0.0.1 -p $PGPORT_BENCH -U $PGROLE -d $PGDB |
  "$RESTIC" -r "$RREPO" backup --json --stdin --stdin-filename $PGDB.pgdump
"$RESTIC" -r "$RREPO" backup --json "$DATA/media" "$ROLES"
EOF
chmod 0755 "$RESTIC_DAY"

# ---------------------------------------------------------------- days
media_bytes() { find "$DATA/media" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}'; }
media_files() { find "$DATA/media" -type f | wc -l; }
repo_size() { du -sb "$WORK/$1/repo" | cut -f1; }
info_drop_caches

FAILED=""
for ((day = 1; day <= DAYS; day++)); do
  if (( day > 1 )); then
    log "day $day: mutating the dataset"
    t0=$SECONDS
    "$MAKE_DATASET" mutate "$DATA" 2>&1 | sed 's/^/  /' >&2
    info "mutate_s_$day" $((SECONDS - t0))
  fi
  info "media_bytes_$day" "$(media_bytes)"; info "media_files_$day" "$(media_files)"
  log "day $day: backups"
  for tool in $(order $day); do
    pg_restart
    before=$(repo_size $tool)
    case $tool in
      coffre) measure "$day" coffre 1 "$COFFRE" -c "$CONFIG" backup --json;;
      restic) measure "$day" restic 1 "$RESTIC_DAY";;
    esac
    info "growth_${day}_$tool" $(( $(repo_size $tool) - before ))
    info "repo_size_${day}_$tool" "$(repo_size $tool)"
    [[ $MEASURE_RC == 0 ]] || FAILED="$tool on day $day (see $LOGS/$day-$tool-1.err)"
  done
  [[ -z "$FAILED" ]] || { log "$FAILED failed: no further days"; break; }
done

# ---------------------------------------------------------------- report
info load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
info busy_runs "$BUSY_RUNS"
mkdir -p "$(dirname "$OUT")"
python3 "$HERE/app_report.py" "$LOGS" | tee "$OUT"
log "table written to $OUT; logs in $LOGS"
[[ -z "$FAILED" ]] || die "$FAILED failed"
