# shellcheck shell=bash
# Helpers shared by start.sh and stop.sh (sourced, not executed).

RG_TAG="[real-glance]"
# Glance is a Debian package: it lives in Debian's own interpreter, not in
# whatever `python3` comes first on PATH (often a pyenv shim).
RG_PY=/usr/bin/python3

rg_log() { printf '%s %s\n' "$RG_TAG" "$*" >&2; }
rg_die() { printf '%s ERROR: %s\n' "$RG_TAG" "$*" >&2; exit 1; }

rg_repo_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd); }

# State dir: $1 (if it is not an option), else $GLANCE_STATE_DIR, else <repo>/.state/real-glance
rg_state_dir() {
  local d=${1:-}
  [ -n "$d" ] || d=${GLANCE_STATE_DIR:-}
  [ -n "$d" ] || d="$(rg_repo_root)/.state/real-glance"
  printf '%s\n' "$d"
}

# "<pid> <starttime>" identity of a process; starttime (field 22 of
# /proc/PID/stat, in clock ticks since boot) guards against PID reuse.
rg_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }            # drop "pid (comm) " (comm may contain spaces)
  # shellcheck disable=SC2086
  set -- $stat                 # now $1 = state (field 3) ... field 22 = $20
  printf '%s\n' "${20}"
}
rg_ppid() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  printf '%s\n' "$2"
}
rg_cmdline() { { tr '\0' ' ' <"/proc/$1/cmdline"; } 2>/dev/null; }

# True if PID $1 is a glance-api process that we launched with config $2 and
# (when given) has start time $3.
rg_is_ours() {
  local pid=$1 conf=$2 st=${3:-} cmd
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  cmd=$(rg_cmdline "$pid") || return 1
  case "$cmd" in
    *"-m glance.cmd.api --config-file $conf "*) ;;
    *) return 1 ;;
  esac
  [ -z "$st" ] || [ "$(rg_starttime "$pid")" = "$st" ]
}

# Direct children of PID $1 (read from /proc, no name matching).
rg_children() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$(rg_ppid "$p" 2>/dev/null)" = "$1" ] && printf '%s\n' "$p"
  done
  return 0
}

# True if PID $1 is the Keystone server start.sh launched for keystone dir $2
# (and, when given, has start time $3).
rg_is_our_keystone() {
  local pid=$1 ksdir=$2 st=${3:-} cmd
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  cmd=$(rg_cmdline "$pid") || return 1
  case "$cmd" in
    *"keystone-wsgi.py --state $ksdir --port "*) ;;
    *) return 1 ;;
  esac
  [ -z "$st" ] || [ "$(rg_starttime "$pid")" = "$st" ]
}
rg_ks_pidfile() { printf '%s/run/keystone.pid\n' "$1"; }

# api.pid format: one line per process, "<pid> <starttime>"; first line = parent.
rg_pidfile() { printf '%s/run/api.pid\n' "$1"; }
