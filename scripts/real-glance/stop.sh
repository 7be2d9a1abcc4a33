#!/usr/bin/env bash
# Stop the glance-api (and, in Keystone mode, the Keystone) started by
# start.sh for STATE_DIR.
#
#   scripts/real-glance/stop.sh [STATE_DIR] [--wipe] [--api-only]
#
# Only the PIDs recorded in STATE_DIR/run/api.pid and run/keystone.pid are
# signalled, and only if each one is still the process start.sh launched
# (same command line with this state dir's config, same start time).
# --api-only leaves Keystone running. --wipe then deletes STATE_DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$HERE/common.sh"

WIPE=0 ARG= APIONLY=0
for a in "$@"; do
  case "$a" in
    --wipe) WIPE=1 ;;
    --api-only) APIONLY=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) rg_die "unknown option $a" ;;
    *) ARG=$a ;;
  esac
done
STATE=$(rg_state_dir "$ARG")
if [ ! -d "$STATE" ]; then rg_log "no state dir $STATE: nothing to stop"; exit 0; fi
STATE=$(cd "$STATE" && pwd)
CONF="$STATE/glance-api.conf"
PIDFILE=$(rg_pidfile "$STATE")

mkdir -p "$STATE/run"
exec 9>>"$STATE/run/lock"
flock -w 60 9 || rg_log "warning: $STATE/run/lock is still held after 60 s, stopping anyway"

KSDIR="$STATE/keystone"

# is_ours KIND PID [STARTTIME]: KIND api = glance-api with this state dir's
# config; KIND keystone = keystone-wsgi.py with this state dir's keystone dir.
is_ours() {
  case "$1" in
    api) rg_is_ours "$2" "$CONF" "${3:-}" ;;
    keystone) rg_is_our_keystone "$2" "$KSDIR" "${3:-}" ;;
  esac
}

# stop_recorded KIND PIDFILE NAME: signals the recorded processes that are
# still ours (parent first), plus any child of the parent that is also ours
# (workers respawned after start.sh ran). TERM, then KILL after 10 s.
stop_recorded() {
  local kind=$1 pidfile=$2 name=$3 pid st parent= c left
  local pids=()
  if [ -s "$pidfile" ]; then
    while read -r pid st; do
      [ -n "${pid:-}" ] || continue
      [ "$st" = "?" ] && st=
      if is_ours "$kind" "$pid" "$st"; then
        pids+=("$pid")
        [ -n "$parent" ] || parent=$pid
      fi
    done <"$pidfile"
    if [ -n "$parent" ]; then
      for c in $(rg_children "$parent"); do
        is_ours "$kind" "$c" && [[ " ${pids[*]} " != *" $c "* ]] && pids+=("$c")
      done
    fi
  fi
  alive_ours() {
    local p out=()
    for p in "${pids[@]}"; do is_ours "$kind" "$p" && out+=("$p"); done
    printf '%s\n' "${out[@]:-}"
  }
  if [ ${#pids[@]} -gt 0 ]; then
    # SIGTERM to the parent: glance's launcher then terminates its workers.
    kill -TERM "${pids[0]}" 2>/dev/null || true
    for _ in $(seq 1 50); do
      [ -z "$(alive_ours)" ] && break
      sleep 0.2
    done
    left=$(alive_ours)
    if [ -n "$left" ]; then
      rg_log "still running after 10 s, sending SIGKILL to: $(echo $left)"
      # shellcheck disable=SC2086
      kill -KILL $left 2>/dev/null || true
      for _ in $(seq 1 25); do [ -z "$(alive_ours)" ] && break; sleep 0.2; done
    fi
    left=$(alive_ours)
    [ -z "$left" ] || rg_die "could not stop $name pid(s) $(echo $left)"
    rg_log "stopped $name (pids ${pids[*]})"
  elif [ "$kind" = api ]; then
    rg_log "no running $name recorded in $STATE"
  fi
  rm -f "$pidfile"
}

# Glance first (its keystonemiddleware talks to Keystone), then Keystone.
stop_recorded api "$PIDFILE" glance-api
[ "$APIONLY" = 1 ] || stop_recorded keystone "$(rg_ks_pidfile "$STATE")" keystone

if [ "$WIPE" = 1 ]; then
  rm -rf "$STATE"
  rg_log "wiped $STATE"
fi
exit 0
