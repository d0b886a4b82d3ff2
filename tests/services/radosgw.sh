#!/usr/bin/env bash
# Throwaway single-node Ceph cluster with a radosgw S3 endpoint, for the test suite.
#
#   tests/services/radosgw.sh start STATE_DIR   build and start it; exit 0 once signed S3 works
#   tests/services/radosgw.sh stop  STATE_DIR   kill its daemons by pid; exit 0 if already stopped
#
# Everything lives in STATE_DIR (config, mon store, osd data, logs, admin sockets); nothing
# is read from or written to /etc/ceph or /var/lib/ceph. Binds only to 127.0.0.1 on ports
# picked at start, so several clusters can run side by side. On success STATE_DIR/env holds
# KEY=VALUE lines (no quotes): S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION, the
# daemons' pids and the paths needed to run `ceph`/`radosgw-admin` against the cluster.
# See README.md beside this file.
#
# Tunables (environment): RGW_WAIT_SECONDS (default 90) bounds the wait for radosgw's HTTP
# answer; RGW_MEMSTORE_BYTES (default 1 GiB) sizes the OSD's in-memory store.
set -euo pipefail

prog="radosgw.sh"
say() { printf '%s: %s\n' "$prog" "$*"; }
err() { printf '%s: error: %s\n' "$prog" "$*" >&2; }

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
case "$cmd" in start|stop) ;; *) usage ;; esac
[ -n "$2" ] || usage

# CI may run us with stdin (or stdout/stderr) closed; the ceph CLI crashes on a closed stdin
# and the daemons must not inherit the caller's terminal or pipes anyway.
exec </dev/null
{ : >&1; } 2>/dev/null || exec >/dev/null
{ : >&2; } 2>/dev/null || exec 2>/dev/null

# Keep the caller's Ceph and AWS settings out of it.
unset CEPH_ARGS CEPH_CONF CEPH_KEYRING AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN \
      AWS_SECURITY_TOKEN AWS_ENDPOINT_URL AWS_CA_BUNDLE 2>/dev/null || true
# Readiness probes talk to 127.0.0.1 directly, never through a proxy from the environment.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY 2>/dev/null || true
export LC_ALL=C

PY=/usr/bin/python3                       # Debian's python (the one ceph-common uses)
[ -x "$PY" ] || PY=$(command -v python3)
AWS=/usr/bin/aws                          # Debian's awscli; avoid pyenv shims
[ -x "$AWS" ] || AWS=$(command -v aws || true)

# The state dir path ends up in ceph.conf and in the env file, which must stay trivially
# parseable: refuse anything but a plain path.
case "$2" in
  *[!A-Za-z0-9_./+:@%,=-]*) err "STATE_DIR '$2' may only contain [A-Za-z0-9_./+:@%,=-]"; exit 2 ;;
esac
if [ "$cmd" = stop ] && [ ! -d "$2" ]; then
  say "stop: $2 does not exist; nothing to stop"
  exit 0
fi
mkdir -p "$2"
S=$(cd "$2" && pwd -P)
[ "$S" != / ] || { err "refusing to use / as STATE_DIR"; exit 2; }
case "$S" in *[!A-Za-z0-9_./+:@%,=-]*) err "resolved STATE_DIR '$S' has unsupported characters"; exit 2 ;; esac

CONF=$S/ceph.conf
RUN=$S/run
LOG=$S/log
# Entries this script owns inside STATE_DIR; only these are ever wiped.
OWNED=(ceph.conf env env.tmp run mon osd rgw crash tmp log)

# Serialize start/stop on the same STATE_DIR. fd 9 is closed for the daemons (see spawn).
exec 9>"$S/.lock"
if ! flock -w 180 9; then
  err "another start/stop holds $S/.lock"
  exit 1
fi

# ---------------------------------------------------------------------------------------
# Process handling. Daemons are identified by the pid recorded when they were spawned; a pid
# is only acted on if that process is still a Ceph binary running with THIS cluster's
# ceph.conf (guards against pid reuse and against other clusters).

is_ours() { # pid -> 0 if it is a live (non-zombie) ceph daemon/tool of this cluster
  local pid=$1 exe state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != Z ] && [ "$state" != X ] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  case "${exe##*/}" in
    ceph-mon|ceph-osd|radosgw|radosgw-admin|monmaptool) ;;
    *) return 1 ;;
  esac
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -Fxq -- "$CONF"
}

cluster_pids() { # pids from pid files, plus any stray process started with -c $CONF
  local f p
  {
    if [ -d "$RUN" ]; then
      for f in "$RUN"/*.pid; do
        [ -f "$f" ] && head -n1 "$f"
      done
    fi
    # Started-with-our-conf processes whose pid file was never written (start killed midway).
    grep -lzFx -- "$CONF" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3 || true
  } | sort -un | while read -r p; do
    is_ours "$p" && echo "$p"
  done
}

term_wait() { # grace_seconds pids... : TERM, wait up to grace, KILL, wait up to 5 s more
  local grace=$1 p alive i
  shift
  [ $# -gt 0 ] || return 0
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for ((i = 1; i <= (grace + 5) * 10; i++)); do
    alive=""
    for p in "$@"; do is_ours "$p" && alive="$alive $p"; done
    [ -z "$alive" ] && break
    if [ "$i" = $((grace * 10)) ]; then
      say "still alive after $grace s, sending KILL:$alive"
      for p in $alive; do kill -KILL "$p" 2>/dev/null || true; done
    fi
    sleep 0.1
  done
  # Reap the ones that are our own children (failed start); harmless otherwise.
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$alive" ]; then
    err "processes did not exit:$alive"
    return 1
  fi
}

kill_cluster() {
  # radosgw first: its clean shutdown needs the OSD and mon (killing all at once makes it
  # hang until KILL). Then the OSD and mon together.
  local p rgw=() rest=() rc=0
  for p in $(cluster_pids); do
    case "$(readlink "/proc/$p/exe" 2>/dev/null)" in
      */radosgw|*/radosgw-admin) rgw+=("$p") ;;
      *) rest+=("$p") ;;
    esac
  done
  [ $((${#rgw[@]} + ${#rest[@]})) -gt 0 ] || return 0
  say "stopping pids: ${rgw[*]} ${rest[*]}"
  term_wait 10 "${rgw[@]}" || rc=1
  term_wait 10 "${rest[@]}" || rc=1
  return "$rc"
}

do_stop() {
  local rc=0
  kill_cluster || rc=1
  rm -f "$RUN"/*.pid "$S/env" "$S/env.tmp" 2>/dev/null || true
  if [ "$rc" = 0 ]; then
    # Free disk; keep ceph.conf and logs for post-mortems.
    rm -rf "$S/mon" "$S/osd" "$S/rgw" "$S/tmp" "$RUN"
  fi
  return "$rc"
}

if [ "$cmd" = stop ]; then
  if do_stop; then
    say "stopped cluster in $S"
    exit 0
  fi
  exit 1
fi

# ---------------------------------------------------------------------------------------
# start

t0=${RADOSGW_SH_T0:-$(date +%s.%N)}
elapsed() { "$PY" -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)"; }

for b in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph uuidgen flock timeout; do
  command -v "$b" >/dev/null 2>&1 || { err "'$b' not found (run scripts/install-deps.sh --test)"; exit 1; }
done
[ -x "$PY" ] || { err "python3 not found"; exit 1; }
[ -n "$AWS" ] || { err "aws CLI not found (Debian package awscli)"; exit 1; }

# A previous cluster in this dir (e.g. a killed test run) is stopped first.
if [ -d "$RUN" ] && compgen -G "$RUN/*.pid" >/dev/null || [ -n "$(cluster_pids)" ]; then
  say "stopping the previous cluster in $S"
  do_stop || { err "could not stop the previous cluster in $S"; exit 1; }
fi
for e in "${OWNED[@]}"; do rm -rf "${S:?}/$e"; done
mkdir -p "$RUN" "$LOG" "$S/mon" "$S/osd" "$S/rgw" "$S/crash" "$S/tmp"

started=0
on_exit() {
  local rc=$?
  if [ "$started" != 1 ]; then
    err "start failed; killing what was started (logs kept in $LOG)"
    do_stop >/dev/null 2>&1 || kill_cluster || true
    [ "$rc" = 0 ] && rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

tail_log() { # file [lines]
  local f=$1 n=${2:-40}
  if [ -s "$f" ]; then
    echo "----- last $n lines of $f -----" >&2
    tail -n "$n" "$f" >&2
    echo "-----" >&2
  fi
}

die() { # message [logfile...]
  err "$1"
  shift
  local f
  for f in "$@"; do tail_log "$f"; done
  exit 1
}

free_ports() { # n -> n distinct free TCP ports on 127.0.0.1
  "$PY" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

rand_str() { # length alphabet
  "$PY" -c 'import secrets, sys; n, a = int(sys.argv[1]), sys.argv[2]; print("".join(secrets.choice(a) for _ in range(n)))' "$1" "$2"
}

spawn() { # name binary args... ; runs in the foreground of a background job, pid -> run/NAME.pid
  local name=$1
  shift
  "$@" </dev/null >>"$LOG/$name.out" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$RUN/$name.pid"
}

pid_of() { cat "$RUN/$1.pid"; }

# A daemon that lost the race for a port picked above: rebuild the whole cluster on fresh
# ports (a restarted radosgw would leave stale watches behind that stall it for 30 s).
rebuild_on_new_ports() { # reason
  local n=${RADOSGW_SH_ATTEMPT:-1}
  [ "$n" -lt 3 ] || return 0
  say "$1; rebuilding on new ports (attempt $((n + 1)) of 3)"
  trap - EXIT
  do_stop >/dev/null 2>&1 || kill_cluster || true
  RADOSGW_SH_ATTEMPT=$((n + 1)) RADOSGW_SH_T0=$t0 exec "$BASH" "$0" start "$S"
}

alive_or_die() { # name logfile
  local pid
  pid=$(pid_of "$1")
  is_ours "$pid" && return 0
  if grep -qs 'Address already in use' "$LOG/$1.out" "$2"; then
    rebuild_on_new_ports "$1 could not bind its port"
  fi
  die "$1 (pid $pid) exited during start" "$LOG/$1.out" "$2"
}

ceph_cli() { timeout 20 ceph -c "$CONF" --connect-timeout 10 "$@"; }

read -r MON_PORT RGW_PORT <<<"$(free_ports 2)"
FSID=$(uuidgen)
OSD_UUID=$(uuidgen)
ACCESS_KEY=$(rand_str 20 ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789)
SECRET_KEY=$(rand_str 40 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789)
REGION=us-east-1
ENDPOINT="http://127.0.0.1:$RGW_PORT"
MEMSTORE_BYTES=${RGW_MEMSTORE_BYTES:-1073741824}
RGW_WAIT=${RGW_WAIT_SECONDS:-90}
RGW_NAME=client.rgw.gw

write_conf() {
  cat >"$CONF" <<EOF
# Generated by tests/services/radosgw.sh; throwaway single-node test cluster.
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_PORT]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
ms bind retry delay = 1
auth cluster required = none
auth service required = none
auth client required = none
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
run dir = $RUN
admin socket = \$run_dir/\$cluster-\$name.asok
crash dir = $S/crash
keyring = $S/keyring
log file = $LOG/\$cluster-\$name.log
mon cluster log file = $LOG/\$cluster.log
log to syslog = false
err to syslog = false
clog to syslog = false
mon data = $S/mon/\$cluster-\$id
osd data = $S/osd/\$cluster-\$id
osd journal = $S/osd/\$cluster-\$id/journal
rgw data = $S/rgw/\$cluster-\$id
mgr data = $S/mgr/\$cluster-\$id
mds data = $S/mds/\$cluster-\$id
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon max pg per osd = 1000
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1

[mon]
mon osd min down reporters = 1
# Commit map changes quickly: each rgw pool creation is one osdmap epoch (default 1 s each).
paxos propose interval = 0.1

[osd]
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
# On TERM, do not wait (5 s) for the mon to acknowledge the markdown: the mon may be gone.
osd fast shutdown notify mon = false
osd mon shutdown timeout = 1

[client.admin]
# ceph/radosgw-admin may run concurrently: no shared admin socket for them.
admin socket =

[$RGW_NAME]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
auth client required = none
ms mon client mode = crc
rgw thread pool size = 128
rgw crypt require ssl = false
EOF
}

write_conf

# --- monitor --------------------------------------------------------------------------
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$S/tmp/monmap" \
  >"$LOG/monmaptool.out" 2>&1 || die "monmaptool failed" "$LOG/monmaptool.out"
mkdir -p "$S/mon/ceph-a"
ceph-mon -c "$CONF" -i a --mkfs --monmap "$S/tmp/monmap" >"$LOG/mon-mkfs.out" 2>&1 ||
  die "ceph-mon --mkfs failed" "$LOG/mon-mkfs.out" "$LOG/ceph-mon.a.log"
spawn mon.a ceph-mon -f -c "$CONF" -i a

deadline=$((SECONDS + 30))
until ceph_cli mon stat >/dev/null 2>"$S/tmp/mon-wait.err"; do
  alive_or_die mon.a "$LOG/ceph-mon.a.log"
  [ $SECONDS -lt $deadline ] || die "ceph-mon did not answer within 30 s" "$S/tmp/mon-wait.err" "$LOG/ceph-mon.a.log"
  sleep 0.2
done
say "mon up on 127.0.0.1:$MON_PORT ($(elapsed) s)"

# --- OSD (memstore) -------------------------------------------------------------------
OSD_ID=$(ceph_cli osd new "$OSD_UUID" 2>"$S/tmp/osd-new.err") || die "'ceph osd new' failed" "$S/tmp/osd-new.err"
[[ "$OSD_ID" =~ ^[0-9]+$ ]] || die "'ceph osd new' returned '$OSD_ID'"
mkdir -p "$S/osd/ceph-$OSD_ID"
ceph-osd -c "$CONF" -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >"$LOG/osd-mkfs.out" 2>&1 ||
  die "ceph-osd --mkfs failed" "$LOG/osd-mkfs.out" "$LOG/ceph-osd.$OSD_ID.log"
spawn "osd.$OSD_ID" ceph-osd -f -c "$CONF" -i "$OSD_ID"

deadline=$((SECONDS + 30))
while :; do
  up=$(ceph_cli osd stat -f json 2>/dev/null |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("num_up_osds", 0))' 2>/dev/null || echo 0)
  [ "$up" = 1 ] && break
  alive_or_die "osd.$OSD_ID" "$LOG/ceph-osd.$OSD_ID.log"
  [ $SECONDS -lt $deadline ] || die "ceph-osd did not come up within 30 s" "$LOG/ceph-osd.$OSD_ID.log"
  sleep 0.2
done
say "osd.$OSD_ID up ($(elapsed) s)"

# --- radosgw --------------------------------------------------------------------------
http_answers() { # any HTTP status counts
  "$PY" - "$ENDPOINT" <<'EOF' >/dev/null 2>&1
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1] + "/", timeout=2).read()
except urllib.error.HTTPError:
    pass
EOF
}

spawn rgw radosgw -f -c "$CONF" -n "$RGW_NAME"
rgw_log="$LOG/ceph-$RGW_NAME.log"
deadline=$((SECONDS + RGW_WAIT))
until http_answers; do
  alive_or_die rgw "$rgw_log"
  [ $SECONDS -lt $deadline ] || die "radosgw did not answer HTTP on $ENDPOINT within $RGW_WAIT s" "$rgw_log" "$LOG/ceph-osd.$OSD_ID.log"
  sleep 0.2
done
say "radosgw answers on $ENDPOINT ($(elapsed) s)"

# --- S3 user + signed-request check -----------------------------------------------------
deadline=$((SECONDS + 30))
until timeout 30 radosgw-admin -c "$CONF" user create --uid=tributary --display-name="Tributary tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >"$S/tmp/user-create.out" 2>&1; do
  if timeout 30 radosgw-admin -c "$CONF" user info --uid=tributary >/dev/null 2>&1; then
    break # an attempt that timed out had created it after all
  fi
  [ $SECONDS -lt $deadline ] || die "radosgw-admin user create failed" "$S/tmp/user-create.out" "$rgw_log"
  sleep 0.5
done

export AWS_ACCESS_KEY_ID="$ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SECRET_KEY" AWS_DEFAULT_REGION="$REGION" \
       AWS_REGION="$REGION" AWS_CONFIG_FILE="$S/tmp/aws-config" AWS_SHARED_CREDENTIALS_FILE="$S/tmp/aws-credentials" \
       AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
deadline=$((SECONDS + 30))
until timeout 30 "$AWS" --endpoint-url "$ENDPOINT" s3api list-buckets >"$S/tmp/s3-check.out" 2>&1; do
  is_ours "$(pid_of rgw)" || die "radosgw exited during start" "$rgw_log"
  [ $SECONDS -lt $deadline ] || die "signed S3 request to $ENDPOINT kept failing for 30 s" "$S/tmp/s3-check.out" "$rgw_log"
  sleep 0.5
done

# --- env file (written last: its presence means the endpoint works) ---------------------
cat >"$S/env.tmp" <<EOF
S3_ENDPOINT=$ENDPOINT
S3_ACCESS_KEY=$ACCESS_KEY
S3_SECRET_KEY=$SECRET_KEY
S3_REGION=$REGION
CEPH_MON_PID=$(pid_of mon.a)
CEPH_OSD_PID=$(pid_of "osd.$OSD_ID")
RADOSGW_PID=$(pid_of rgw)
CEPH_CONF=$CONF
RADOSGW_STATE_DIR=$S
RADOSGW_LOG=$rgw_log
EOF
mv -f "$S/env.tmp" "$S/env"
started=1
say "S3 endpoint $ENDPOINT ready in $(elapsed) s (env: $S/env)"
