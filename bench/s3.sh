#!/usr/bin/env bash
# bench/s3.sh - Coffre vs restic 0.14 writing to the same Ceph RADOS Gateway (S3), in one run, on the same data.
#
#   bench/s3.sh [--small] [--work DIR] [--out FILE] [--rev REV] [--no-build] [--idle-wait S]
#
#   --small      pass --small to make-dataset.sh (about 1/20 of the data)
#   --work DIR   dataset, Ceph cluster, local repository, restores and logs (default: <repo>/.bench/s3)
#   --out FILE   the table (default: bench/results/s3-latest.txt, or s3-latest-small.txt with --small)
#   --rev REV    build coffre from that commit (git archive) instead of the working tree
#   --no-build   use the coffre an earlier run in the same --work built (e.g. --small first, then the full dataset)
#   --idle-wait S   wait up to S seconds (default 300; 0: do not) for an idle machine before each run
#
# Starts a private single-node Ceph (tests/ceph-s3/start.sh: ceph-mon, ceph-osd, radosgw on 127.0.0.1), then, each
# timed with /usr/bin/time (wall time, peak RSS), page cache dropped before each:
#   1 coffre first backup into a local folder            (the reference for "backup to Ceph <= 1.5x local")
#   2 coffre first backup to s3:…/coffre, restic 0.14 first backup to s3:…/restic (alternating who goes first)
#   3 full restore of each from Ceph, verified against the source (content and metadata)
# and stops Ceph on exit. Needs root (PostgreSQL for the dataset, drop_caches). See bench/README.md.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

SMALL=0 WORK="" OUT="" IDLE_WAIT=300 REV="" NO_BUILD=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --small) SMALL=1; shift;;
    --work) WORK="$2"; shift 2;;
    --out) OUT="$2"; shift 2;;
    --idle-wait) IDLE_WAIT="$2"; shift 2;;
    --rev) REV="$2"; shift 2;;
    --no-build) NO_BUILD=1; shift;;
    -h|--help) sed -n '2,20p' "$0"; exit 0;;
    *) echo "s3.sh: unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
[[ "$IDLE_WAIT" =~ ^[0-9]+$ ]] || { echo "s3.sh: --idle-wait needs a number of seconds" >&2; exit 2; }

BENCH_NAME=s3.sh
. "$HERE/lib.sh"
[[ $(id -u) == 0 ]] || die "run as root (PostgreSQL is driven with runuser, the page cache is dropped between runs)"

bench_check_work "$ROOT/.bench/s3"
[[ -n "$OUT" ]] || OUT="$HERE/results/s3-latest$([[ $SMALL == 1 ]] && echo -small).txt"
bench_find_make_dataset
DATA="$WORK/data" LOGS="$WORK/logs"
MEAS="$LOGS/measurements.tsv" INFO="$LOGS/info.tsv"

bench_lock
bench_prereqs
pg_quiesce() { if [[ $PG_WAS_ONLINE == 0 && "$(pg_status)" == online* ]]; then pg_ctlcluster "$BENCH_PGVER" "$BENCH_PGCLUSTER" stop; fi; }
CEPH="$WORK/ceph"
stop_all() {
  pg_quiesce || true
  [[ -d "$CEPH" ]] && bash "$ROOT/tests/ceph-s3/stop.sh" "$CEPH" >/dev/null 2>&1 || true
}
trap stop_all EXIT

if [[ $NO_BUILD == 1 ]]; then
  COFFRE="$WORK/coffre-bin/coffre" RESTIC=$(command -v restic)
  [[ -x "$COFFRE" && -f "$WORK/coffre-bin.rev" ]] || die "--no-build: no earlier build in $WORK"
  CODE_DESC=$(cat "$WORK/coffre-bin.rev")
else
  bench_build_coffre
  echo "$CODE_DESC" >"$WORK/coffre-bin.rev"
fi
export COFFRE_PASSWORD=coffre-bench RESTIC_PASSWORD=coffre-bench
unset COFFRE_REPOSITORY COFFRE_PASSWORD_FILE RESTIC_REPOSITORY RESTIC_PASSWORD_FILE RESTIC_PASSWORD_COMMAND
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log "work folder $WORK"
rm -rf "$DATA" "$LOGS" "$WORK/local" "$WORK/restore-"* "$WORK/restic-cache"
[[ -d "$CEPH" ]] && bash "$ROOT/tests/ceph-s3/stop.sh" "$CEPH" >/dev/null 2>&1
mkdir -p "$LOGS"
: >"$MEAS"; : >"$INFO"
info mode "$([[ $SMALL == 1 ]] && echo small || echo full)"
info_environment

ds_bytes() { find "$DATA/media" "$DATA/db" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}'; }
ds_files() { find "$DATA/media" "$DATA/db" -type f | wc -l; }
log "creating the dataset in $DATA"
"$MAKE_DATASET" create "$DATA" $([[ $SMALL == 1 ]] && echo --small) 2>&1 | sed 's/^/  /' >&2
pg_quiesce
info bytes0 "$(ds_bytes)"; info files0 "$(ds_files)"
log "dataset: $(ds_files) files, $(ds_bytes) bytes"

log "starting Ceph in $CEPH"
S3_BUCKET=bench bash "$ROOT/tests/ceph-s3/start.sh" "$CEPH" >"$LOGS/ceph-start.out" 2>"$LOGS/ceph-start.err" ||
  { tail -n 20 "$LOGS/ceph-start.err" >&2; die "Ceph did not start"; }
. "$CEPH/env"
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY AWS_DEFAULT_REGION=$S3_REGION
info ceph "$(radosgw --version 2>/dev/null | awk '{print $3}') (mon + osd BlueStore on a sparse file + radosgw, same machine)"
COFFRE_S3="s3:$S3_ENDPOINT/$S3_BUCKET/coffre"
RESTIC_S3="s3:$S3_ENDPOINT/$S3_BUCKET/restic"
export RESTIC_CACHE_DIR="$WORK/restic-cache"
info_drop_caches

"$COFFRE" -r "$WORK/local" init >"$LOGS/init-local.out" 2>&1 || die "coffre init (local) failed"
"$COFFRE" -r "$COFFRE_S3" init >"$LOGS/init-coffre-s3.out" 2>&1 || die "coffre init ($COFFRE_S3) failed, see $LOGS/init-coffre-s3.out"
"$RESTIC" -r "$RESTIC_S3" init --repository-version 2 >"$LOGS/init-restic-s3.out" 2>&1 || die "restic init failed, see $LOGS/init-restic-s3.out"

meta_list() {
  (cd "$1" && find . -mindepth 1 \( -type d -printf '%p\t%y\t%m\t%U:%G\t-\t%T@\n' \) -o \
                                \( -printf '%p\t%y\t%m\t%U:%G\t%s\t%T@\t%l\n' \) | LC_ALL=C sort)
}
verify() {  # tool target
  local content=OK meta=OK part
  for part in media db; do
    if [[ ! -d "$2$DATA/$part" ]]; then content=MISSING; meta=MISSING; break; fi
    diff -r -q "$DATA/$part" "$2$DATA/$part" >>"$LOGS/verify-$1.diff" 2>&1 || content=MISMATCH
    cmp -s <(meta_list "$DATA/$part") <(meta_list "$2$DATA/$part") || meta=MISMATCH
  done
  log "  $1 restore: content $content, metadata $meta"
  printf 'verify\t%s\t1\t%s\t%s\n' "$1" "$content" "$meta" >>"$INFO"
}

log "step 1: coffre first backup into a local folder"
measure 1 coffre-local 1 "$COFFRE" -r "$WORK/local" backup --json "$DATA/media" "$DATA/db"
log "step 2: first backup to Ceph"
for tool in $(order 1); do
  case $tool in
    coffre) measure 2 coffre-s3 1 "$COFFRE" -r "$COFFRE_S3" backup --json "$DATA/media" "$DATA/db";;
    restic) measure 2 restic-s3 1 "$RESTIC" -r "$RESTIC_S3" backup --json "$DATA/media" "$DATA/db";;
  esac
done
log "step 3: full restore from Ceph"
for tool in $(order 2); do
  target="$WORK/restore-$tool"; rm -rf "$target"; mkdir -p "$target"
  case $tool in
    coffre) measure 3 coffre-s3 1 "$COFFRE" -r "$COFFRE_S3" restore latest --target "$target";;
    restic) measure 3 restic-s3 1 "$RESTIC" -r "$RESTIC_S3" restore latest --target "$target";;
  esac
  verify "$tool-s3" "$target"
  rm -rf "$target"
done
info load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$(dirname "$OUT")"
python3 "$HERE/s3_report.py" "$MEAS" "$INFO" | tee "$OUT"
log "table written to $OUT; logs in $LOGS"
