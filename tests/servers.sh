# Private database servers for the integration tests; sourced by test.sh (or by hand:
# `source tests/servers.sh && coffre_servers_start`, then `coffre_servers_stop`).
#
# coffre_servers_start starts, on 127.0.0.1 with free private ports and data in a temp folder:
#   - PostgreSQL 15 (initdb as the "postgres" OS user, scram-sha-256, superuser "postgres" and a role "app"
#     with CREATEDB), unix socket in the temp folder;
#   - MariaDB (installed from Debian's packages when missing; mariadb-install-db + mariadbd --no-defaults),
#     root through the private unix socket, a user "app" with every right on the databases "coffre%".
# and exports what the tests read:
#   COFFRE_TEST_PG_HOST PORT USER PASSWORD SUPERUSER SUPERPASSWORD BIN
#   COFFRE_TEST_MYSQL_HOST PORT USER PASSWORD ROOT_SOCKET
# A server that cannot be installed or started is reported on stderr and makes coffre_servers_start return 1;
# its variables stay unset, so outside CI its tests skip with a reason. coffre_servers_stop stops both
# servers and deletes their data.

COFFRE_SERVERS_DIR=""
COFFRE_PG_BIN=""
COFFRE_MARIADB_PID=""

_coffre_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

_coffre_free_port() {
  local p=$1 end=$(($1 + 50))
  while [ "$p" -lt "$end" ]; do
    if _coffre_port_free "$p"; then echo "$p"; return 0; fi
    p=$((p + 1))
  done
  return 1
}

_coffre_apt_install() {
  echo "servers.sh: installing $*" >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null 2>&1 &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

_coffre_pg_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    _coffre_apt_install postgresql-15 postgresql-client-15 || true
    bin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null)
  fi
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "servers.sh: PostgreSQL 15 is not installed and could not be installed (apt-get install postgresql-15)" >&2
    return 1
  fi
  local run=()
  if [ "$(id -u)" = 0 ]; then
    if ! getent passwd postgres >/dev/null; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres || { echo "servers.sh: cannot create the postgres OS user" >&2; return 1; }
    fi
    run=(runuser -u postgres --)
  fi
  local dir="$COFFRE_SERVERS_DIR/pg" port superpw apppw
  mkdir -p "$dir/data" "$dir/sock"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
  superpw="super-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  apppw="app pw 'é\"$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')" # awkward on purpose: quotes, space, unicode
  printf '%s\n' "$superpw" >"$dir/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
  chmod 600 "$dir/pwfile"
  if ! "${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    echo "servers.sh: initdb failed:" >&2; tail -5 "$dir/initdb.log" >&2; return 1
  fi
  rm -f "$dir/pwfile"
  port=$(_coffre_free_port 55432) || { echo "servers.sh: no free port for PostgreSQL near 55432" >&2; return 1; }
  if ! "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c max_connections=60" start >/dev/null 2>&1; then
    echo "servers.sh: PostgreSQL did not start:" >&2; tail -5 "$dir/server.log" >&2; return 1
  fi
  COFFRE_PG_BIN=$bin
  local quoted=${apppw//\'/\'\'}
  if ! PGPASSWORD=$superpw "$bin/psql" -X -q -w -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE app LOGIN CREATEDB PASSWORD '$quoted'" >"$dir/setup.log" 2>&1; then
    echo "servers.sh: cannot create the PostgreSQL role app:" >&2; cat "$dir/setup.log" >&2; return 1
  fi
  export COFFRE_TEST_PG_HOST=127.0.0.1 COFFRE_TEST_PG_PORT=$port COFFRE_TEST_PG_USER=app
  export COFFRE_TEST_PG_PASSWORD=$apppw COFFRE_TEST_PG_SUPERUSER=postgres COFFRE_TEST_PG_SUPERPASSWORD=$superpw
  export COFFRE_TEST_PG_BIN=/usr/bin
  echo "servers.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
}

_coffre_mariadb_start() {
  local serverbin
  serverbin=$(command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null)
  if [ -z "$serverbin" ] || ! command -v mariadb-install-db >/dev/null || ! command -v mariadb >/dev/null; then
    _coffre_apt_install mariadb-server mariadb-client || true
    serverbin=$(command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null)
  fi
  if [ -z "$serverbin" ] || ! command -v mariadb-install-db >/dev/null || ! command -v mariadb >/dev/null; then
    echo "servers.sh: MariaDB is not installed and could not be installed (apt-get install mariadb-server mariadb-client)" >&2
    return 1
  fi
  local dir="$COFFRE_SERVERS_DIR/mariadb" port apppw user
  mkdir -p "$dir/data"
  user=$(id -un)
  if ! mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" --auth-root-authentication-method=socket \
      --skip-test-db >"$dir/install.log" 2>&1; then
    echo "servers.sh: mariadb-install-db failed:" >&2; tail -5 "$dir/install.log" >&2; return 1
  fi
  port=$(_coffre_free_port 53306) || { echo "servers.sh: no free port for MariaDB near 53306" >&2; return 1; }
  "$serverbin" --no-defaults --datadir="$dir/data" --socket="$dir/sock" --port="$port" --bind-address=127.0.0.1 \
    --user="$user" --pid-file="$dir/pid" --log-error="$dir/server.log" --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
    --innodb-buffer-pool-size=128M >/dev/null 2>&1 &
  COFFRE_MARIADB_PID=$!
  local i
  for i in $(seq 1 120); do
    mariadb --no-defaults --socket="$dir/sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
    if ! kill -0 "$COFFRE_MARIADB_PID" 2>/dev/null; then
      echo "servers.sh: mariadbd exited:" >&2; tail -5 "$dir/server.log" >&2; COFFRE_MARIADB_PID=""; return 1
    fi
    sleep 0.5
  done
  if ! mariadb --no-defaults --socket="$dir/sock" -u root -e 'SELECT 1' >/dev/null 2>&1; then
    echo "servers.sh: MariaDB did not answer within 60 s:" >&2; tail -5 "$dir/server.log" >&2; return 1
  fi
  apppw="app pw 'é\"$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  local quoted=${apppw//\\/\\\\}; quoted=${quoted//\'/\\\'}
  if ! mariadb --no-defaults --socket="$dir/sock" -u root >"$dir/setup.log" 2>&1 <<SQL; then
CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY '$quoted';
CREATE USER 'app'@'localhost' IDENTIFIED BY '$quoted';
GRANT ALL PRIVILEGES ON \`coffre%\`.* TO 'app'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`coffre%\`.* TO 'app'@'localhost';
SQL
    echo "servers.sh: cannot create the MariaDB user app:" >&2; cat "$dir/setup.log" >&2; return 1
  fi
  export COFFRE_TEST_MYSQL_HOST=127.0.0.1 COFFRE_TEST_MYSQL_PORT=$port COFFRE_TEST_MYSQL_USER=app
  export COFFRE_TEST_MYSQL_PASSWORD=$apppw COFFRE_TEST_MYSQL_ROOT_SOCKET="$dir/sock" COFFRE_TEST_MYSQL_BIN=/usr/bin
  echo "servers.sh: MariaDB $("$serverbin" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
}

coffre_servers_start() {
  COFFRE_SERVERS_DIR=$(mktemp -d /tmp/coffre-servers.XXXXXX)
  chmod 755 "$COFFRE_SERVERS_DIR"
  local ok=0
  _coffre_pg_start || ok=1
  _coffre_mariadb_start || ok=1
  return $ok
}

coffre_servers_stop() {
  [ -n "$COFFRE_SERVERS_DIR" ] && [ -d "$COFFRE_SERVERS_DIR" ] || return 0
  if [ -n "$COFFRE_PG_BIN" ] && [ -f "$COFFRE_SERVERS_DIR/pg/data/postmaster.pid" ]; then
    local run=()
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$COFFRE_PG_BIN/pg_ctl" -D "$COFFRE_SERVERS_DIR/pg/data" -m immediate -w -t 30 stop >/dev/null 2>&1
  fi
  if [ -n "$COFFRE_MARIADB_PID" ] && kill -0 "$COFFRE_MARIADB_PID" 2>/dev/null; then
    kill "$COFFRE_MARIADB_PID" 2>/dev/null
    local i
    for i in $(seq 1 60); do kill -0 "$COFFRE_MARIADB_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$COFFRE_MARIADB_PID" 2>/dev/null
    wait "$COFFRE_MARIADB_PID" 2>/dev/null
  fi
  rm -rf "$COFFRE_SERVERS_DIR"
  COFFRE_SERVERS_DIR="" COFFRE_PG_BIN="" COFFRE_MARIADB_PID=""
  unset COFFRE_TEST_PG_HOST COFFRE_TEST_PG_PORT COFFRE_TEST_PG_USER COFFRE_TEST_PG_PASSWORD COFFRE_TEST_PG_SUPERUSER \
    COFFRE_TEST_PG_SUPERPASSWORD COFFRE_TEST_PG_BIN COFFRE_TEST_MYSQL_HOST COFFRE_TEST_MYSQL_PORT COFFRE_TEST_MYSQL_USER \
    COFFRE_TEST_MYSQL_PASSWORD COFFRE_TEST_MYSQL_ROOT_SOCKET COFFRE_TEST_MYSQL_BIN
}
