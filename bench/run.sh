#!/usr/bin/env bash
# bench/run.sh - Coffre vs restic on the same dataset, alternating, each into its own fresh repository.
#
#   bench/run.sh [--small] [--work DIR] [--repeat N] [--out FILE] [--keep] [--rev REV] [--idle-wait S]
#
#   --small      pass --small to make-dataset.sh (about 1/20 of the data: a quick test of the script)
#   --work DIR   where the dataset, repositories, restores and logs go (default: <repo>/.bench, git-ignored)
#   --repeat N   run every step N times and report the median (default 1)
#   --out FILE   where the table is written besides stdout
#                (default: bench/results/latest.txt, or bench/results/latest-small.txt with --small)
#   --keep       keep the restored trees (by default they are deleted once verified)
#   --rev REV    build coffre from the committed revision REV (git archive into WORK/build) instead of
#                the working tree, e.g. --rev HEAD while the working tree is being edited
#   --idle-wait S   before each measured run, wait up to S seconds (default 300; 0: do not wait) until
#                other processes use less than 15% of the CPUs.  Either way, the CPU time other processes
#                used during each run is recorded, and runs where it exceeded 10% are flagged in the table.
#
# Steps, each timed with /usr/bin/time (wall time, peak RSS) with the page cache dropped before every run:
#   1 first backup of DIR/media and DIR/db into a fresh repository
#   2 second backup, nothing changed (parent snapshot)
#   3 make-dataset.sh mutate, then a backup
#   4 full restore of the latest snapshot into an empty folder, verified against the source
# See bench/README.md.  Needs root (PostgreSQL via runuser, drop_caches); installs missing Debian packages.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

SMALL=0 WORK="" REPEAT=1 OUT="" KEEP=0 IDLE_WAIT=300 REV=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --small) SMALL=1; shift;;
    --work) WORK="$2"; shift 2;;
    --work=*) WORK="${1#*=}"; shift;;
    --repeat) REPEAT="$2"; shift 2;;
    --repeat=*) REPEAT="${1#*=}"; shift;;
    --out) OUT="$2"; shift 2;;
    --out=*) OUT="${1#*=}"; shift;;
    --keep) KEEP=1; shift;;
    --idle-wait) IDLE_WAIT="$2"; shift 2;;
    --idle-wait=*) IDLE_WAIT="${1#*=}"; shift;;
    --rev) REV="$2"; shift 2;;
    --rev=*) REV="${1#*=}"; shift;;
    -h|--help) sed -n '2,24p' "$0"; exit 0;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --repeat needs a positive integer" >&2; exit 2; }
[[ "$IDLE_WAIT" =~ ^[0-9]+$ ]] || { echo "run.sh: --idle-wait needs a number of seconds" >&2; exit 2; }

BENCH_NAME=run.sh
. "$HERE/lib.sh"

[[ $(id -u) == 0 ]] || die "run as root (PostgreSQL is driven with runuser, the page cache is dropped between runs)"

# ---------------------------------------------------------------- where things go
bench_check_work "$ROOT/.bench"
if [[ -z "$OUT" ]]; then
  OUT="$HERE/results/latest.txt"; [[ $SMALL == 1 ]] && OUT="$HERE/results/latest-small.txt"
fi
bench_find_make_dataset

DATA="$WORK/data"
LOGS="$WORK/logs"
MEAS="$LOGS/measurements.tsv"
INFO="$LOGS/info.tsv"

# ---------------------------------------------------------------- prerequisites
bench_lock
bench_prereqs
# PostgreSQL only runs while the dataset is made or mutated (unless it was already running before us),
# so that it does not compete with the measured runs.
pg_quiesce() {
  if [[ $PG_WAS_ONLINE == 0 && "$(pg_status)" == online* ]]; then pg_ctlcluster "$BENCH_PGVER" "$BENCH_PGCLUSTER" stop; fi
}
trap pg_quiesce EXIT

# ---------------------------------------------------------------- build coffre
bench_build_coffre

export COFFRE_PASSWORD=coffre-bench RESTIC_PASSWORD=coffre-bench
unset COFFRE_REPOSITORY COFFRE_PASSWORD_FILE RESTIC_REPOSITORY RESTIC_PASSWORD_FILE RESTIC_PASSWORD_COMMAND
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---------------------------------------------------------------- fresh work folder
log "work folder $WORK"
rm -rf "$WORK/data" "$WORK/logs" "$WORK/coffre" "$WORK/restic" "$WORK"/*.base "$WORK/restore-coffre" "$WORK/restore-restic"
mkdir -p "$WORK" "$LOGS"
: >"$MEAS"; : >"$INFO"
info mode "$([[ $SMALL == 1 ]] && echo small || echo full)"
info repeat "$REPEAT"
info_environment

# ---------------------------------------------------------------- dataset
ds_bytes() { find "$DATA/media" "$DATA/db" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}'; }
ds_files() { find "$DATA/media" "$DATA/db" -type f | wc -l; }

log "creating the dataset ($([[ $SMALL == 1 ]] && echo small || echo full)) in $DATA"
t0=$SECONDS
"$MAKE_DATASET" create "$DATA" $([[ $SMALL == 1 ]] && echo --small) 2>&1 | sed 's/^/  /' >&2
pg_quiesce
info dataset_create_s $((SECONDS - t0))
info bytes0 "$(ds_bytes)"; info files0 "$(ds_files)"
log "dataset: $(ds_files) files, $(ds_bytes) bytes (created in $((SECONDS - t0)) s)"

# ---------------------------------------------------------------- measuring
info_drop_caches

repo_of() { echo "$WORK/$1/repo"; }
export RESTIC_CACHE_DIR="$WORK/restic/cache"    # restic's local cache belongs to its repository's state

init_repo() {  # tool
  rm -rf "${WORK:?}/$1"; mkdir -p "$WORK/$1"
  case $1 in
    coffre) "$COFFRE" -r "$(repo_of coffre)" init >"$LOGS/init-coffre.out" 2>&1;;
    restic) "$RESTIC" -r "$(repo_of restic)" init --repository-version 2 >"$LOGS/init-restic.out" 2>&1;;
  esac || die "$1 init failed (see $LOGS/init-$1.out)"
}
backup() {  # step tool rep
  case $2 in
    coffre) measure "$1" coffre "$3" "$COFFRE" -r "$(repo_of coffre)" backup --json "$DATA/media" "$DATA/db";;
    restic) measure "$1" restic "$3" "$RESTIC" -r "$(repo_of restic)" backup --json "$DATA/media" "$DATA/db";;
  esac
}
restore() {  # step tool rep target
  case $2 in
    coffre) measure "$1" coffre "$3" "$COFFRE" -r "$(repo_of coffre)" restore latest --target "$4";;
    restic) measure "$1" restic "$3" "$RESTIC" -r "$(repo_of restic)" restore latest --target "$4";;
  esac
}
repo_size() { du -sb "$(repo_of "$1")" | cut -f1; }

# Restored tree vs source: content (diff -r) and metadata (type, mode, owner, size, mtime of files,
# folders and links).  Both tools restore absolute paths below the target.
meta_list() {  # dir
  (cd "$1" && find . -mindepth 1 \( -type d -printf '%p\t%y\t%m\t%U:%G\t-\t%T@\n' \) -o \
                                \( -printf '%p\t%y\t%m\t%U:%G\t%s\t%T@\t%l\n' \) | LC_ALL=C sort)
}
verify() {  # tool target rep
  local tool=$1 target=$2 rep=$3 content=OK meta=OK part
  for part in media db; do
    if [[ ! -d "$target$DATA/$part" ]]; then content=MISSING; meta=MISSING; break; fi
    diff -r -q "$DATA/$part" "$target$DATA/$part" >>"$LOGS/verify-$tool-$rep.diff" 2>&1 || content=MISMATCH
    if ! cmp -s <(meta_list "$DATA/$part") <(meta_list "$target$DATA/$part"); then
      meta=MISMATCH
      diff <(meta_list "$DATA/$part") <(meta_list "$target$DATA/$part") | head -n 20 >>"$LOGS/verify-$tool-$rep.diff" || true
    fi
  done
  log "  $tool restore: content $content, metadata $meta"
  printf 'verify\t%s\t%s\t%s\t%s\n' "$tool" "$rep" "$content" "$meta" >>"$INFO"
}

# ---------------------------------------------------------------- 1: first backup
log "step 1: first backup (x$REPEAT)"
for ((r = 1; r <= REPEAT; r++)); do
  for tool in $(order $r); do init_repo $tool; backup 1 $tool $r; done
done
for tool in coffre restic; do info "repo_size_1_$tool" "$(repo_size $tool)"; done

# ---------------------------------------------------------------- 2: no-change backup
log "step 2: backup with no change (x$REPEAT)"
for ((r = 1; r <= REPEAT; r++)); do
  for tool in $(order $r); do backup 2 $tool $r; done
done
for tool in coffre restic; do info "repo_size_2_$tool" "$(repo_size $tool)"; done

# ---------------------------------------------------------------- 3: mutate, backup
if (( REPEAT > 1 )); then   # every repeat starts from the repository as it was after step 2
  for tool in coffre restic; do rm -rf "$WORK/$tool.base"; cp -a "$WORK/$tool" "$WORK/$tool.base"; done
fi
log "mutating the dataset"
t0=$SECONDS
"$MAKE_DATASET" mutate "$DATA" 2>&1 | sed 's/^/  /' >&2
pg_quiesce
info dataset_mutate_s $((SECONDS - t0))
info bytes1 "$(ds_bytes)"; info files1 "$(ds_files)"
log "step 3: backup after mutate (x$REPEAT)"
for ((r = 1; r <= REPEAT; r++)); do
  for tool in $(order $r); do
    if (( r > 1 )); then rm -rf "${WORK:?}/$tool"; cp -a "$WORK/$tool.base" "$WORK/$tool"; fi
    backup 3 $tool $r
  done
done
rm -rf "$WORK"/*.base
for tool in coffre restic; do info "repo_size_3_$tool" "$(repo_size $tool)"; done

# ---------------------------------------------------------------- 4: restore
log "step 4: full restore of the latest snapshot (x$REPEAT)"
for ((r = 1; r <= REPEAT; r++)); do
  for tool in $(order $r); do
    target="$WORK/restore-$tool"
    rm -rf "$target"; mkdir -p "$target"
    restore 4 $tool $r "$target"
    verify $tool "$target" $r
    [[ $KEEP == 1 && $r == "$REPEAT" ]] || rm -rf "$target"
  done
done

# ---------------------------------------------------------------- report
info load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
info busy_runs "$BUSY_RUNS"
mkdir -p "$(dirname "$OUT")"
python3 "$HERE/report.py" "$MEAS" "$INFO" | tee "$OUT"
log "table written to $OUT; logs in $LOGS"
