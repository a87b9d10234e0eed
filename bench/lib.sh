# bench/lib.sh - helpers shared by bench/run.sh and bench/app.sh.  Sourced, not run.
#
# The sourcing script sets BENCH_NAME (for messages), HERE, ROOT, SMALL, WORK, REV, IDLE_WAIT, and, before
# measure() is used, LOGS, MEAS and INFO.

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { echo "$BENCH_NAME: $*" >&2; exit 1; }

# ---------------------------------------------------------------- where things go
# WORK made absolute; refused inside the git tree unless under .bench/ (git-ignored).
bench_check_work() {  # default
  WORK=$(realpath -m "${WORK:-$1}")
  case "$WORK/" in
    "$ROOT/.bench/"*) ;;
    "$ROOT/"*) die "--work $WORK is inside the git tree; use $ROOT/.bench or a folder outside $ROOT";;
  esac
}
bench_find_make_dataset() {
  MAKE_DATASET=${MAKE_DATASET:-}
  if [[ -z "$MAKE_DATASET" ]]; then
    for c in "$ROOT/../shared/bench/make-dataset.sh" /work/shared/bench/make-dataset.sh; do
      [[ -f "$c" ]] && { MAKE_DATASET=$(realpath "$c"); break; }
    done
  fi
  [[ -n "$MAKE_DATASET" && -f "$MAKE_DATASET" ]] || die "make-dataset.sh not found (set MAKE_DATASET)"
}

# One benchmark at a time on this machine (from any worktree): run.sh and app.sh both rebuild the
# benchapp database in the same PostgreSQL cluster, and each would disturb the other's timings.
bench_lock() {
  exec 9>/run/lock/coffre-bench.lock
  flock -n 9 || die "another bench run (run.sh or app.sh) is running on this machine"
}

# ---------------------------------------------------------------- prerequisites
apt_install() {
  log "installing $*"
  if [[ -z "${APT_UPDATED:-}" ]]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
# Installs what is missing, creates a PostgreSQL cluster when there is none, and sets BENCH_PGVER,
# BENCH_PGCLUSTER and PG_WAS_ONLINE.
bench_prereqs() {
  local need=()
  [[ -x /usr/bin/time ]] || need+=(time)
  command -v restic >/dev/null || need+=(restic)
  command -v python3 >/dev/null || need+=(python3)
  command -v pg_lsclusters >/dev/null || need+=(postgresql postgresql-contrib)
  command -v pgbench >/dev/null || need+=(postgresql-contrib)
  [[ ${#need[@]} -gt 0 ]] && apt_install "${need[@]}"
  command -v dotnet >/dev/null || die "dotnet (.NET 10 SDK) is required"

  # A PostgreSQL cluster for make-dataset.sh: create Debian's default one when there is none.
  if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
    local pgver
    pgver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    [[ -n "$pgver" ]] || die "no PostgreSQL server installed"
    log "creating PostgreSQL cluster $pgver/main"
    pg_createcluster "$pgver" main >/dev/null
  fi
  # make-dataset.sh uses the first cluster listed; so do we.  (PGCLUSTER is not exported: Debian's pg
  # wrapper reads it as "version/name".)
  read -r BENCH_PGVER BENCH_PGCLUSTER _ < <(pg_lsclusters -h | head -n1)
  unset PGVER PGCLUSTER
  PG_WAS_ONLINE=0; [[ "$(pg_status)" == online* ]] && PG_WAS_ONLINE=1
  return 0
}
pg_status() { pg_lsclusters -h | awk -v v="$BENCH_PGVER" -v c="$BENCH_PGCLUSTER" '$1==v && $2==c {print $4}'; }
pg_port() { pg_lsclusters -h | awk -v v="$BENCH_PGVER" -v c="$BENCH_PGCLUSTER" '$1==v && $2==c {print $3}'; }

# ---------------------------------------------------------------- build coffre
# Publishes coffre into WORK/coffre-bin; sets COFFRE, CODE_DESC and RESTIC.
bench_build_coffre() {
  local src
  mkdir -p "$WORK"
  if [[ -n "$REV" ]]; then
    local commit
    commit=$(git -C "$ROOT" rev-parse --verify "$REV^{commit}") || die "unknown revision $REV"
    src="$WORK/build"
    log "building coffre (Release) from revision ${commit:0:7} in $src"
    rm -rf "$src"; mkdir -p "$src"
    git -C "$ROOT" archive "$commit" | tar -x -C "$src"
    CODE_DESC="${commit:0:7}"
  else
    src="$ROOT"
    log "building coffre (Release) from the working tree"
    CODE_DESC="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$([[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]] && echo ' + uncommitted changes')"
  fi
  # The shipping form of coffre: published, ahead-of-time compiled (ReadyToRun), as README's install step does.
  dotnet publish "$src/src/Coffre.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$WORK/coffre-bin" -nologo -v q >"$WORK/build.log" 2>&1 ||
    { grep -E 'error' "$WORK/build.log" | sort -u >&2; die "build failed (see $WORK/build.log; --rev HEAD builds the last commit instead)"; }
  COFFRE="$WORK/coffre-bin/coffre"
  [[ -x "$COFFRE" ]] || die "$COFFRE not built"
  RESTIC=$(command -v restic)
}

# ---------------------------------------------------------------- run information
info() { printf '%s\t%s\n' "$1" "$2" >>"$INFO"; }
info_environment() {
  info date "$(date -u '+%Y-%m-%d %H:%M UTC')"
  info machine "$(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -r)"
  info coffre "$CODE_DESC"
  info restic "$("$RESTIC" version | awk '{print $2}')"
  info dotnet "$(dotnet --version)"
  info load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---------------------------------------------------------------- measuring
drop_caches() { sync; { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null || true; }
info_drop_caches() {
  if { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then info drop_caches yes; else info drop_caches "no (not permitted)"; fi
}

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
#   step tool rep rc wall_s maxrss_kib user_s sys_s others_pct [server_cpu_s]
# others_pct: CPU time used by other processes during the run, in % of the machine's CPUs x wall time.
# When SERVER_JIFFIES names a function that prints the CPU jiffies a server used so far (app.sh: the
# PostgreSQL being dumped), the server's share is counted apart (server_cpu_s), not as other processes.
# The command's stdout and stderr go to $LOGS/STEP-TOOL-REP.out and .err; its exit code to MEASURE_RC.
measure() {
  local step=$1 tool=$2 rep=$3; shift 3
  local base="$LOGS/$step-$tool-$rep" rc=0 j0 j1
  wait_idle
  drop_caches
  local s0=0 s1=0
  [[ -n "${SERVER_JIFFIES:-}" ]] && s0=$($SERVER_JIFFIES)
  j0=$(cpu_busy_jiffies)
  /usr/bin/time -f '%e %M %U %S' -o "$base.time" "$@" >"$base.out" 2>"$base.err" || rc=$?
  j1=$(cpu_busy_jiffies)
  [[ -n "${SERVER_JIFFIES:-}" ]] && s1=$($SERVER_JIFFIES)
  local t; t=$(tail -n1 "$base.time")
  [[ "$t" =~ ^[0-9.]+\ [0-9]+\ [0-9.]+\ [0-9.]+$ ]] || t="0 0 0 0"
  local others server=""
  others=$(awk -v j="$((j1 - j0 - (s1 - s0)))" -v hz="$CLK_TCK" -v n="$NCPU" -v t="$t" 'BEGIN {
      split(t, f, " "); o = j / hz - f[3] - f[4]; if (o < 0) o = 0
      printf "%.0f", (f[1] > 0 ? 100 * o / (f[1] * n) : 0) }')
  [[ -n "${SERVER_JIFFIES:-}" ]] && server=$'\t'$(awk -v s="$((s1 - s0))" -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", s / hz}')
  printf '%s\t%s\t%s\t%s\t%s\t%s%s\n' "$step" "$tool" "$rep" "$rc" "${t// /$'\t'}" "$others" "$server" >>"$MEAS"
  MEASURE_RC=$rc
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
