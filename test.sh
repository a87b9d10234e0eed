#!/usr/bin/env bash
# Runs every test of Coffre: unit tests, integration tests against the real restic, then the dashboard in a real
# browser (Playwright driving Debian's chromium).
# Installs what the tests need when it is missing (restic and chromium from Debian's packages).
# In CI (CI=true) a component that cannot be installed is a failure, never a silent skip.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# apt_install PACKAGE...: from Debian's packages, as root or through sudo.
apt_install() {
  echo "test.sh: installing $*"
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq >/dev/null && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_apt=()
command -v restic >/dev/null 2>&1 || need_apt+=(restic)
[ -e /usr/lib/x86_64-linux-gnu/libzstd.so.1 ] || need_apt+=(libzstd1)
# The zstd command: the oracle of ZstdTests.MatchesSystemZstdTool.
[ -x /usr/bin/zstd ] || need_apt+=(zstd)
# The system SQLite under Microsoft.Data.Sqlite (src/Coffre/Sources/Sqlite/SqliteLibrary.cs).
[ -e /usr/lib/x86_64-linux-gnu/libsqlite3.so.0 ] || need_apt+=(libsqlite3-0)
[ ${#need_apt[@]} -eq 0 ] || apt_install "${need_apt[@]}"
if ! command -v restic >/dev/null 2>&1; then
  echo "test.sh: restic is required for the interop tests and could not be installed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# --- rclone (REST and rclone backend tests, tests/Coffre.IntegrationTests/Storage/Rest and .../Rclone) ---
# Debian's rclone: `rclone serve restic` is the REST server the tests start, and the rclone backend's child.
command -v rclone >/dev/null 2>&1 || apt_install rclone
if ! command -v rclone >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then
    echo "test.sh: rclone is required for the REST and rclone backend tests and could not be installed" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: rclone missing (apt-get install rclone): the REST and rclone backend tests will fail (CI=true makes this a hard stop)" >&2
fi
# --- end rclone ---

# The browser tests (tests/Coffre.EndToEndTests): Playwright never downloads a browser, it drives Debian's chromium.
[ -x /usr/bin/chromium ] || apt_install chromium
if [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = true ]; then
    echo "test.sh: chromium is required for the browser tests (tests/Coffre.EndToEndTests) and could not be installed" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: /usr/bin/chromium missing (apt-get install chromium): the browser tests will be skipped (CI=true makes this a failure)" >&2
fi

results=$(mktemp -d)

# Private PostgreSQL 15 and MariaDB for the database source tests (tests/servers.sh): started on 127.0.0.1
# with free private ports and temp data folders, stopped and deleted on exit.
source tests/servers.sh
# Every server this script starts is stopped on exit: each block's stop function, when its block was reached.
cleanup() {
  for stop in coffre_ceph_stop coffre_sshd_stop coffre_rest_stop coffre_servers_stop; do
    declare -F "$stop" >/dev/null && "$stop"
  done
  rm -rf "$results"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if ! coffre_servers_start; then
  if [ "${CI:-}" = true ]; then
    echo "test.sh: the database servers for the source tests could not be started (see above)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: database servers missing: their tests will be skipped (CI=true makes this a failure)" >&2
fi
# SFTP backend (tests/sshd.sh): a private OpenSSH server on 127.0.0.1 as the current user, keys in a temp folder.
source tests/sshd.sh
if ! coffre_sshd_start; then
  if [ "${CI:-}" = true ]; then
    echo "test.sh: the private sshd for the SFTP tests could not be started (see above)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: sshd missing: the SFTP tests will be skipped (CI=true makes this a failure)" >&2
fi
# End of the SFTP block.


# ---- S3: a private single-node Ceph RADOS Gateway for the S3 backend tests (tests/ceph-s3/ceph.sh): started on
# 127.0.0.1 with data in a temp folder, exported as COFFRE_TEST_S3_*, stopped and deleted on exit.
source tests/ceph-s3/ceph.sh
if ! coffre_ceph_start; then
  if [ "${CI:-}" = true ]; then
    echo "test.sh: the Ceph RADOS Gateway for the S3 tests could not be started (see above)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "test.sh: Ceph RADOS Gateway missing: the S3 tests will be skipped (CI=true makes this a failure)" >&2
fi
# ---- end S3
# Cheap scrypt keys come from the test assemblies themselves (CheapTestKeys, tests/Coffre.TestHooks): no switch here.

dotnet build Coffre.slnx -c Release -nologo -v q 2>&1 | grep -E "error|warn" ; build=${PIPESTATUS[0]}
if [ "$build" != 0 ]; then
  echo "test.sh: build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
for project in tests/Coffre.Tests tests/Coffre.Server.Tests tests/Coffre.IntegrationTests tests/Coffre.EndToEndTests; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=minimal" "$@" || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f))
done
if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then failed=1; status=1; fi
[ "$failed" -gt 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
