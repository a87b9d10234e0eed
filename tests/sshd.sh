# A private OpenSSH server for the SFTP backend tests; sourced by test.sh (or by hand:
# `source tests/sshd.sh && coffre_sshd_start`, then `coffre_sshd_stop`).
#
# coffre_sshd_start starts Debian's sshd as the current user on 127.0.0.1 and a free port, with a private host key,
# a private client key in authorized_keys and a known_hosts file, all in a temp folder (no system file is read or
# changed), installing openssh-server/openssh-client when missing, and exports what the tests read:
#   COFFRE_TEST_SFTP_HOST PORT USER IDENTITY KNOWN_HOSTS ROOT
#   (ROOT: a folder the tests create their repositories in, reachable over SFTP by its absolute path)
# A server that cannot be installed or started is reported on stderr and makes coffre_sshd_start return 1; its
# variables stay unset, so outside CI the SFTP tests skip with a reason. coffre_sshd_stop stops it and deletes
# the folder.

COFFRE_SSHD_DIR=""
COFFRE_SSHD_PID=""

_coffre_sshd_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

coffre_sshd_start() {
  if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
    echo "sshd.sh: installing openssh-server openssh-client" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null 2>&1 &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client >/dev/null 2>&1
  fi
  if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1; then
    echo "sshd.sh: OpenSSH is not installed and could not be installed (apt-get install openssh-server openssh-client)" >&2
    return 1
  fi
  local sftp_server
  sftp_server=$(ls /usr/lib/openssh/sftp-server 2>/dev/null || ls /usr/libexec/openssh/sftp-server 2>/dev/null || ls /usr/libexec/sftp-server 2>/dev/null)
  [ -n "$sftp_server" ] || sftp_server=internal-sftp
  COFFRE_SSHD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/coffre-sshd-XXXXXX") || return 1
  chmod 700 "$COFFRE_SSHD_DIR"
  local d=$COFFRE_SSHD_DIR user port=""
  user=$(id -un)
  ssh-keygen -q -t ed25519 -N '' -C coffre-test-host -f "$d/host_key" >/dev/null || { echo "sshd.sh: ssh-keygen failed" >&2; return 1; }
  ssh-keygen -q -t ed25519 -N '' -C coffre-test-client -f "$d/client_key" >/dev/null || { echo "sshd.sh: ssh-keygen failed" >&2; return 1; }
  cp "$d/client_key.pub" "$d/authorized_keys"
  chmod 600 "$d/authorized_keys"
  mkdir -p "$d/repos"
  local p=52222
  while [ "$p" -lt 52300 ]; do
    if _coffre_sshd_port_free "$p"; then port=$p; break; fi
    p=$((p + 1))
  done
  [ -n "$port" ] || { echo "sshd.sh: no free port near 52222" >&2; return 1; }
  cat >"$d/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
AllowUsers $user
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
MaxSessions 64
MaxStartups 64:30:128
Subsystem sftp $sftp_server
EOF
  # sshd run as root wants its privilege separation folder.
  [ "$(id -u)" = 0 ] && mkdir -p /run/sshd && chmod 755 /run/sshd
  /usr/sbin/sshd -D -e -f "$d/sshd_config" >"$d/sshd.log" 2>&1 &
  COFFRE_SSHD_PID=$!
  printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$d/host_key.pub")" >"$d/known_hosts"
  local i=0
  while [ $i -lt 100 ]; do
    if ! kill -0 "$COFFRE_SSHD_PID" 2>/dev/null; then
      echo "sshd.sh: sshd did not start:" >&2; tail -5 "$d/sshd.log" >&2; COFFRE_SSHD_PID=""; return 1
    fi
    if ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i "$d/client_key" -o UserKnownHostsFile="$d/known_hosts" \
        -o StrictHostKeyChecking=yes -o ConnectTimeout=5 -p "$port" "$user@127.0.0.1" true >/dev/null 2>&1; then
      export COFFRE_TEST_SFTP_HOST=127.0.0.1 COFFRE_TEST_SFTP_PORT=$port COFFRE_TEST_SFTP_USER=$user
      export COFFRE_TEST_SFTP_IDENTITY=$d/client_key COFFRE_TEST_SFTP_KNOWN_HOSTS=$d/known_hosts COFFRE_TEST_SFTP_ROOT=$d/repos
      return 0
    fi
    sleep 0.1
    i=$((i + 1))
  done
  echo "sshd.sh: cannot log in to the private sshd:" >&2; tail -5 "$d/sshd.log" >&2
  return 1
}

coffre_sshd_stop() {
  if [ -n "$COFFRE_SSHD_PID" ]; then
    kill "$COFFRE_SSHD_PID" 2>/dev/null
    wait "$COFFRE_SSHD_PID" 2>/dev/null
  fi
  COFFRE_SSHD_PID=""
  [ -n "$COFFRE_SSHD_DIR" ] && rm -rf "$COFFRE_SSHD_DIR"
  COFFRE_SSHD_DIR=""
  unset COFFRE_TEST_SFTP_HOST COFFRE_TEST_SFTP_PORT COFFRE_TEST_SFTP_USER COFFRE_TEST_SFTP_IDENTITY COFFRE_TEST_SFTP_KNOWN_HOSTS COFFRE_TEST_SFTP_ROOT
}
