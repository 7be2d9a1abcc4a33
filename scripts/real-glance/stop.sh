#!/usr/bin/env bash
# Stop the glance-api started by start.sh for STATE_DIR.
#
#   scripts/real-glance/stop.sh [STATE_DIR] [--wipe]
#
# Only the PIDs recorded in STATE_DIR/run/api.pid are signalled, and only if
# each one is still the glance-api process start.sh launched (same command
# line with this state dir's config file, same start time). --wipe then
# deletes STATE_DIR.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$HERE/common.sh"

WIPE=0 ARG=
for a in "$@"; do
  case "$a" in
    --wipe) WIPE=1 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
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

# Collect the recorded processes that are still ours (parent first), plus any
# child of the parent that is also ours (workers respawned after start.sh ran).
pids=()
if [ -s "$PIDFILE" ]; then
  parent=
  while read -r pid st; do
    [ -n "${pid:-}" ] || continue
    [ "$st" = "?" ] && st=
    if rg_is_ours "$pid" "$CONF" "$st"; then
      pids+=("$pid")
      [ -n "$parent" ] || parent=$pid
    fi
  done <"$PIDFILE"
  if [ -n "${parent:-}" ]; then
    for c in $(rg_children "$parent"); do
      rg_is_ours "$c" "$CONF" && [[ " ${pids[*]} " != *" $c "* ]] && pids+=("$c")
    done
  fi
fi

alive_ours() {
  local p out=()
  for p in "${pids[@]}"; do rg_is_ours "$p" "$CONF" && out+=("$p"); done
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
  [ -z "$left" ] || rg_die "could not stop pid(s) $(echo $left)"
  rg_log "stopped glance-api (pids ${pids[*]})"
else
  rg_log "no running glance-api recorded in $STATE"
fi
rm -f "$PIDFILE"

if [ "$WIPE" = 1 ]; then
  rm -rf "$STATE"
  rg_log "wiped $STATE"
fi
exit 0
