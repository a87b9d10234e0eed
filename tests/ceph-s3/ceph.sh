# A private single-node Ceph RADOS Gateway (S3 API) for the S3 backend tests; sourced by test.sh (or by hand:
# `source tests/ceph-s3/ceph.sh && coffre_ceph_start`, then `coffre_ceph_stop`).
#
# coffre_ceph_start runs tests/ceph-s3/start.sh (ceph-mon + ceph-osd + radosgw from Debian's packages, installed
# when missing; plain processes on 127.0.0.1, free ports, data in a temp folder) and exports what the tests read:
#   COFFRE_TEST_S3_ENDPOINT (http://127.0.0.1:PORT) ACCESS_KEY SECRET_KEY BUCKET REGION
# On failure it prints the tail of the start log on stderr and returns 1, leaving the variables unset (outside CI
# the S3 tests then skip with a reason). coffre_ceph_stop stops the daemons and deletes the temp folder.

COFFRE_CEPH_DIR=""
COFFRE_CEPH_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

coffre_ceph_start() {
  COFFRE_CEPH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/coffre-ceph.XXXXXX") || { echo "ceph.sh: cannot make a temp folder" >&2; return 1; }
  chmod 700 "$COFFRE_CEPH_DIR"
  if ! S3_BUCKET=coffre-tests bash "$COFFRE_CEPH_SCRIPTS/start.sh" "$COFFRE_CEPH_DIR/cluster" >"$COFFRE_CEPH_DIR/start.out" 2>"$COFFRE_CEPH_DIR/start.log"; then
    echo "ceph.sh: the Ceph RADOS Gateway did not start; the end of its log:" >&2
    tail -n 25 "$COFFRE_CEPH_DIR/start.log" >&2
    return 1
  fi
  local key value
  while IFS='=' read -r key value; do
    case $key in
      S3_ENDPOINT) export COFFRE_TEST_S3_ENDPOINT=$value ;;
      S3_ACCESS_KEY) export COFFRE_TEST_S3_ACCESS_KEY=$value ;;
      S3_SECRET_KEY) export COFFRE_TEST_S3_SECRET_KEY=$value ;;
      S3_BUCKET) export COFFRE_TEST_S3_BUCKET=$value ;;
      S3_REGION) export COFFRE_TEST_S3_REGION=$value ;;
    esac
  done <"$COFFRE_CEPH_DIR/cluster/env"
  [ -n "${COFFRE_TEST_S3_ENDPOINT:-}" ] || { echo "ceph.sh: start.sh wrote no endpoint" >&2; return 1; }
  echo "ceph.sh: Ceph RADOS Gateway on $COFFRE_TEST_S3_ENDPOINT ($(grep -o 'ready in [0-9.]*s' "$COFFRE_CEPH_DIR/start.log"))" >&2
}

coffre_ceph_stop() {
  [ -n "$COFFRE_CEPH_DIR" ] || return 0
  [ -d "$COFFRE_CEPH_DIR/cluster" ] && bash "$COFFRE_CEPH_SCRIPTS/stop.sh" "$COFFRE_CEPH_DIR/cluster" 2>/dev/null
  rm -rf -- "$COFFRE_CEPH_DIR"
  COFFRE_CEPH_DIR=""
  unset COFFRE_TEST_S3_ENDPOINT COFFRE_TEST_S3_ACCESS_KEY COFFRE_TEST_S3_SECRET_KEY COFFRE_TEST_S3_BUCKET COFFRE_TEST_S3_REGION
}
