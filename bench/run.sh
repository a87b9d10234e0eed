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

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (PostgreSQL is driven with runuser, the page cache is dropped between runs)"

# ---------------------------------------------------------------- where things go
WORK=$(realpath -m "${WORK:-$ROOT/.bench}")
case "$WORK/" in
  "$ROOT/.bench/"*) ;;
  "$ROOT/"*) die "--work $WORK is inside the git tree; use $ROOT/.bench or a folder outside $ROOT";;
esac
if [[ -z "$OUT" ]]; then
  OUT="$HERE/results/latest.txt"; [[ $SMALL == 1 ]] && OUT="$HERE/results/latest-small.txt"
fi
MAKE_DATASET=${MAKE_DATASET:-}
if [[ -z "$MAKE_DATASET" ]]; then
  for c in "$ROOT/../shared/bench/make-dataset.sh" /work/shared/bench/make-dataset.sh; do
    [[ -f "$c" ]] && { MAKE_DATASET=$(realpath "$c"); break; }
  done
fi
[[ -n "$MAKE_DATASET" && -f "$MAKE_DATASET" ]] || die "make-dataset.sh not found (set MAKE_DATASET)"

DATA="$WORK/data"
LOGS="$WORK/logs"
MEAS="$LOGS/measurements.tsv"
INFO="$LOGS/info.tsv"

# ---------------------------------------------------------------- prerequisites
apt_install() {
  log "installing $*"
  if [[ -z "${APT_UPDATED:-}" ]]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need=()
[[ -x /usr/bin/time ]] || need+=(time)
command -v restic >/dev/null || need+=(restic)
command -v python3 >/dev/null || need+=(python3)
command -v pg_lsclusters >/dev/null || need+=(postgresql postgresql-contrib)
command -v pgbench >/dev/null || need+=(postgresql-contrib)
[[ ${#need[@]} -gt 0 ]] && apt_install "${need[@]}"
command -v dotnet >/dev/null || die "dotnet (.NET 10 SDK) is required"

# A PostgreSQL cluster for make-dataset.sh: create Debian's default one when there is none.
if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
  pgver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  [[ -n "$pgver" ]] || die "no PostgreSQL server installed"
  log "creating PostgreSQL cluster $pgver/main"
  pg_createcluster "$pgver" main >/dev/null
fi
# make-dataset.sh uses the first cluster listed; so do we.  (PGCLUSTER is not exported: Debian's pg
# wrapper reads it as "version/name".)
read -r BENCH_PGVER BENCH_PGCLUSTER _ < <(pg_lsclusters -h | head -n1)
unset PGVER PGCLUSTER
pg_status() { pg_lsclusters -h | awk -v v="$BENCH_PGVER" -v c="$BENCH_PGCLUSTER" '$1==v && $2==c {print $4}'; }
PG_WAS_ONLINE=0; [[ "$(pg_status)" == online* ]] && PG_WAS_ONLINE=1
# PostgreSQL only runs while the dataset is made or mutated (unless it was already running before us),
# so that it does not compete with the measured runs.
pg_quiesce() {
  if [[ $PG_WAS_ONLINE == 0 && "$(pg_status)" == online* ]]; then pg_ctlcluster "$BENCH_PGVER" "$BENCH_PGCLUSTER" stop; fi
}
trap pg_quiesce EXIT

# ---------------------------------------------------------------- build coffre
mkdir -p "$WORK"
if [[ -n "$REV" ]]; then
  COMMIT=$(git -C "$ROOT" rev-parse --verify "$REV^{commit}") || die "unknown revision $REV"
  SRC="$WORK/build"
  log "building coffre (Release) from revision ${COMMIT:0:7} in $SRC"
  rm -rf "$SRC"; mkdir -p "$SRC"
  git -C "$ROOT" archive "$COMMIT" | tar -x -C "$SRC"
  CODE_DESC="${COMMIT:0:7}"
else
  SRC="$ROOT"
  log "building coffre (Release) from the working tree"
  CODE_DESC="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$([[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] && echo ' + uncommitted changes')"
fi
# The shipping form of coffre: published, ahead-of-time compiled (ReadyToRun), as README's install step does.
dotnet publish "$SRC/src/Coffre.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$WORK/coffre-bin" -nologo -v q >"$WORK/build.log" 2>&1 ||
  { grep -E 'error' "$WORK/build.log" | sort -u >&2; die "build failed (see $WORK/build.log; --rev HEAD builds the last commit instead)"; }
COFFRE="$WORK/coffre-bin/coffre"
[[ -x "$COFFRE" ]] || die "$COFFRE not built"
RESTIC=$(command -v restic)

export COFFRE_PASSWORD=coffre-bench RESTIC_PASSWORD=coffre-bench
unset COFFRE_REPOSITORY COFFRE_PASSWORD_FILE RESTIC_REPOSITORY RESTIC_PASSWORD_FILE RESTIC_PASSWORD_COMMAND
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---------------------------------------------------------------- fresh work folder
log "work folder $WORK"
rm -rf "$WORK/data" "$WORK/logs" "$WORK/coffre" "$WORK/restic" "$WORK"/*.base "$WORK/restore-coffre" "$WORK/restore-restic"
mkdir -p "$WORK" "$LOGS"
: >"$MEAS"; : >"$INFO"
info() { printf '%s\t%s\n' "$1" "$2" >>"$INFO"; }

info mode "$([[ $SMALL == 1 ]] && echo small || echo full)"
info repeat "$REPEAT"
info date "$(date -u '+%Y-%m-%d %H:%M UTC')"
info machine "$(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -r)"
info coffre "$CODE_DESC"
info restic "$("$RESTIC" version | awk '{print $2}')"
info dotnet "$(dotnet --version)"
info load_start "$(cut -d' ' -f1-3 /proc/loadavg)"

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
drop_caches() { sync; { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null || true; }
if { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then info drop_caches yes; else info drop_caches "no (not permitted)"; fi

# The machine is shared (builds, tests): before each run wait until the CPUs are idle, so that both
# tools are measured alone.  Busy = non-idle, non-iowait jiffies of all CPUs (from /proc/stat).
cpu_busy_jiffies() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }
cpu_busy_pct() {
  local a b
  a=($(head -n1 /proc/stat)); sleep 1; b=($(head -n1 /proc/stat))
  local i total=0 idle=0
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
NCPU=$(nproc)
CLK_TCK=$(getconf CLK_TCK)
BUSY_RUNS=0
wait_idle() {
  (( IDLE_WAIT > 0 )) || return 0
  local waited=0 busy
  while busy=$(cpu_busy_pct); (( busy >= 15 )); do
    (( waited == 0 )) && log "  machine busy (${busy}% CPU used by others): waiting up to ${IDLE_WAIT} s for it to be idle"
    waited=$((waited + 1))
    if (( waited >= IDLE_WAIT )); then log "  still busy: measuring anyway"; return 0; fi
  done
}

# measure STEP TOOL REP cmd...   -> one line in $MEAS:
#   step tool rep rc wall_s maxrss_kib user_s sys_s others_pct
# others_pct: CPU time used by other processes during the run, in % of the machine's CPUs x wall time.
measure() {
  local step=$1 tool=$2 rep=$3; shift 3
  local base="$LOGS/$step-$tool-$rep" rc=0 j0 j1
  wait_idle
  drop_caches
  j0=$(cpu_busy_jiffies)
  /usr/bin/time -f '%e %M %U %S' -o "$base.time" "$@" >"$base.out" 2>"$base.err" || rc=$?
  j1=$(cpu_busy_jiffies)
  local t; t=$(tail -n1 "$base.time")
  [[ "$t" =~ ^[0-9.]+\ [0-9]+\ [0-9.]+\ [0-9.]+$ ]] || t="0 0 0 0"
  local others
  others=$(awk -v j="$((j1 - j0))" -v hz="$CLK_TCK" -v n="$NCPU" -v t="$t" 'BEGIN {
      split(t, f, " "); o = j / hz - f[3] - f[4]; if (o < 0) o = 0
      printf "%.0f", (f[1] > 0 ? 100 * o / (f[1] * n) : 0) }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$step" "$tool" "$rep" "$rc" "${t// /$'\t'}" "$others" >>"$MEAS"
  (( others > 10 )) && BUSY_RUNS=$((BUSY_RUNS + 1))
  if [[ $rc != 0 ]]; then
    log "  $tool: FAILED (exit $rc), see $base.err"; tail -n5 "$base.err" | sed 's/^/    /' >&2
  else
    local w=${t%% *} m=${t#* }; m=${m%% *}
    log "  $tool: $w s, $((m / 1024)) MiB peak RSS$( (( others > 10 )) && echo ", other processes used ${others}% of the CPUs meanwhile")"
  fi
  return 0
}

# Order alternates between repeats (coffre first on odd ones) so neither tool always runs second.
order() { if (( $1 % 2 == 1 )); then echo coffre restic; else echo restic coffre; fi; }

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
