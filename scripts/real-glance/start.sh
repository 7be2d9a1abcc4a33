#!/usr/bin/env bash
# Start a real OpenStack Glance API (Debian's python3-glance) on 127.0.0.1
# for the conformance suite: without authentication, or (GLANCE_AUTH=keystone)
# behind keystonemiddleware with a Keystone of its own on 127.0.0.1.
#
#   scripts/real-glance/start.sh [STATE_DIR]
#   GLANCE_AUTH=keystone scripts/real-glance/start.sh [STATE_DIR]
#
# Last stdout line: the base URL (e.g. http://127.0.0.1:9292). Everything else
# goes to stderr. See README.md next to this file for the env variables.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$HERE/common.sh"

STATE=$(rg_state_dir "${1:-}")
PORT=${GLANCE_PORT:-9292}
MULTI_LOC=${GLANCE_SHOW_MULTIPLE_LOCATIONS:-True}
TIMEOUT=${GLANCE_START_TIMEOUT:-90}
URL="http://127.0.0.1:$PORT"
AUTH=${GLANCE_AUTH:-none}
POLICY=${GLANCE_POLICY:-default}
KEYSTONE_PORT=${KEYSTONE_PORT:-5000}
KEYSTONE_TOKEN_EXPIRATION=${KEYSTONE_TOKEN_EXPIRATION:-3600}

case "$PORT" in ''|*[!0-9]*) rg_die "GLANCE_PORT must be a number, got '$PORT'";; esac
case "$MULTI_LOC" in
  [Tt]rue|1|yes) MULTI_LOC=True ;;
  [Ff]alse|0|no) MULTI_LOC=False ;;
  *) rg_die "GLANCE_SHOW_MULTIPLE_LOCATIONS must be True or False, got '$MULTI_LOC'" ;;
esac
case "$AUTH" in
  none|'') AUTH=none ;;
  keystone) ;;
  *) rg_die "GLANCE_AUTH must be none or keystone, got '$AUTH'" ;;
esac
case "$POLICY" in
  default|strict) ;;
  *) rg_die "GLANCE_POLICY must be default or strict, got '$POLICY'" ;;
esac
[ "$POLICY" = default ] || [ "$AUTH" = keystone ] || rg_die "GLANCE_POLICY=$POLICY needs GLANCE_AUTH=keystone"
case "$KEYSTONE_PORT" in ''|*[!0-9]*) rg_die "KEYSTONE_PORT must be a number, got '$KEYSTONE_PORT'";; esac
case "$KEYSTONE_TOKEN_EXPIRATION" in ''|*[!0-9]*) rg_die "KEYSTONE_TOKEN_EXPIRATION must be a number of seconds";; esac
[ "$AUTH" = none ] || [ "$KEYSTONE_PORT" != "$PORT" ] || rg_die "KEYSTONE_PORT and GLANCE_PORT must differ"
command -v curl >/dev/null || rg_die "curl is required"

mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
CONF="$STATE/glance-api.conf"
PIDFILE=$(rg_pidfile "$STATE")
mkdir -p "$STATE/run" "$STATE/log" "$STATE/images" "$STATE/staging"

# One start.sh at a time per state dir.
exec 9>"$STATE/run/lock"
flock -w 300 9 || rg_die "another start.sh/stop.sh holds $STATE/run/lock"

versions_ok() {
  [ "$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$URL/versions" 2>/dev/null)" = 200 ]
}
rg_port_free() {  # nothing listening on 127.0.0.1:$1 (or on the wildcard address)
  "$RG_PY" - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT leftovers
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}
running_parent() {  # prints the PID of our running glance-api, if any
  local pid st
  [ -s "$PIDFILE" ] || return 1
  read -r pid st <"$PIDFILE" || true
  rg_is_ours "$pid" "$CONF" "$st" && printf '%s\n' "$pid"
}

# ---------------------------------------------------------------- 1. install
ensure_glance() {
  if "$RG_PY" -c 'import glance' 2>/dev/null; then return 0; fi
  [ "$(id -u)" = 0 ] || rg_die "python3-glance is not installed and this is not root; run: apt-get install -y --no-install-recommends python3-glance"
  rg_log "python3-glance missing under $RG_PY: installing it with apt (one-off, ~1 min)"
  export DEBIAN_FRONTEND=noninteractive
  local t0=$SECONDS alog="$STATE/log/apt-install.log"
  # Refresh the lists so we get the current security-patched Glance.
  apt-get update -q >"$alog" 2>&1 || rg_log "apt-get update failed (continuing with the cached lists)"
  apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      python3-glance >>"$alog" 2>&1 \
    || { tail -n 25 "$alog" >&2; rg_die "apt-get install python3-glance failed (log: $alog)"; }
  "$RG_PY" -c 'import glance.cmd.api' 2>/dev/null || rg_die "python3-glance installed but '$RG_PY -c \"import glance\"' still fails"
  rg_log "installed python3-glance $(dpkg-query -W -f='${Version}' python3-glance) in $((SECONDS - t0)) s"
}

# ----------------------------------------------------- 2. metadef JSON files
# The JSON definitions ship only in the glance-common .deb, which we do not
# install (it drags in dbconfig-common and its debconf questions). We fetch
# the .deb of exactly the installed python3-glance version and unpack it.
# Cached per version under <repo>/.state/ so fresh state dirs stay fast.
metadef_dir() {
  local ver cache tmp deb
  ver=$(dpkg-query -W -f='${Version}' python3-glance 2>/dev/null) || rg_die "dpkg does not know python3-glance"
  if [ -f /usr/share/glance-common/metadefs/compute-hypervisor.json ] &&
     [ "$(dpkg-query -W -f='${Version}' glance-common 2>/dev/null || true)" = "$ver" ]; then
    printf '%s\n' /usr/share/glance-common/metadefs; return 0
  fi
  cache="$(rg_repo_root)/.state/glance-metadefs/${ver//[:\/]/_}"
  if [ ! -f "$cache/compute-hypervisor.json" ]; then
    rg_log "fetching glance-common=$ver for its metadef JSON files"
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && apt-get download -q "glance-common=$ver" >"$tmp/dl.log" 2>&1); then
      [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null 2>&1 || true
      (cd "$tmp" && apt-get download -q "glance-common=$ver" >"$tmp/dl.log" 2>&1) \
        || { cat "$tmp/dl.log" >&2; rg_die "apt-get download glance-common=$ver failed"; }
    fi
    deb=$(ls "$tmp"/glance-common_*.deb)
    dpkg-deb -x "$deb" "$tmp/root"
    mkdir -p "$cache.new"
    cp "$tmp"/root/usr/share/glance-common/metadefs/*.json "$cache.new/"
    rm -rf "$cache"; mv "$cache.new" "$cache"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$cache"
}

# ------------------------------------------------------------- 3. config
write_config() {  # $1 = target dir
  local d=$1 FLAVOR= NEW_DEFAULTS=False
  [ "$AUTH" = keystone ] && FLAVOR=keystone
  [ "$POLICY" = strict ] && NEW_DEFAULTS=True
  cat >"$d/glance-api.conf" <<EOF
# Generated by scripts/real-glance/start.sh -- do not edit, rewritten on start.
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT
# one API worker: a parent process plus one forked child
workers = 1
show_multiple_locations = $MULTI_LOC
show_image_direct_url = True
# interoperable import: PUT /v2/images/{id}/stage writes here (-> "uploading")
enabled_import_methods = [glance-direct,web-download]
node_staging_uri = file://$STATE/staging
log_file = $STATE/log/glance-api.log
use_stderr = False
debug = False
# GLANCE_POLICY=strict: the secure-RBAC defaults of later releases
enforce_secure_rbac = $NEW_DEFAULTS

[database]
connection = sqlite:///$STATE/glance.sqlite

[glance_store]
stores = file,http
default_store = file
filesystem_store_datadir = $STATE/images

[paste_deploy]
# the empty flavor selects [pipeline:glance-api] = no authentication;
# "keystone" selects [pipeline:glance-api-keystone] (keystonemiddleware)
flavor = $FLAVOR
config_file = $STATE/glance-api-paste.ini

[oslo_policy]
policy_file = $STATE/policy.yaml
enforce_new_defaults = $NEW_DEFAULTS
enforce_scope = False
EOF
  if [ "$AUTH" = keystone ]; then
    cat >>"$d/glance-api.conf" <<EOF

[keystone_authtoken]
www_authenticate_uri = $KS_URL
auth_url = $KS_URL
auth_type = password
username = glance
password = $(echo glance | "$RG_PY" "$HERE/keystone-setup.py" password "$STATE")
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
EOF
  fi
  cat >>"$d/glance-api.conf" <<EOF

[import_filtering_opts]
# Debian's SSRF fix also runs http:// image *locations* through these filters.
# ListOpts must be bracketed: a bare value is a config error that surfaces
# only as "400 Invalid location". Empty allowed_ports = any port.
allowed_schemes = [http,https]
allowed_hosts = [127.0.0.1,localhost]
allowed_ports = []
EOF

  cat >"$d/glance-api-paste.ini" <<'EOF'
# Generated by scripts/real-glance/start.sh. Keystone-less Glance API:
# UnauthenticatedContextMiddleware gives every request an admin context
# (is_admin=True, no roles, no project).
[pipeline:glance-api]
pipeline = cors http_proxy_to_wsgi versionnegotiation unauthenticated-context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[pipeline:glance-api-keystone]
pipeline = cors http_proxy_to_wsgi versionnegotiation authtoken context rootapp

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

[filter:unauthenticated-context]
paste.filter_factory = glance.api.middleware.context:UnauthenticatedContextMiddleware.factory

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = glance
oslo_config_program = glance-api
EOF

  if [ "$AUTH" = keystone ]; then
    # Keystone mode: Glance's own policy defaults (Zed: legacy rules OR-ed in),
    # or with GLANCE_POLICY=strict the new defaults plus admin-only actions.
    {
      echo "# Generated by scripts/real-glance/start.sh (GLANCE_AUTH=keystone, GLANCE_POLICY=$POLICY)."
      if [ "$POLICY" = strict ]; then
        echo '"deactivate": "role:admin"'
        echo '"reactivate": "role:admin"'
      else
        echo '{}'
      fi
    } >"$d/policy.yaml"
    return 0
  fi
  # oslo.policy checks roles, not the context's is_admin flag, so rules whose
  # only check is "role:admin" would 403 for the role-less no-auth context.
  # Open them (an empty check string always passes).
  {
    echo "# Generated by scripts/real-glance/start.sh: admin-only rules opened for the no-auth context."
    local r
    for r in publicize_image copy_image tasks_api_access stores_info_detail \
             cache_list cache_delete cache_image manage_image_cache metadef_admin \
             add_metadef_namespace modify_metadef_namespace delete_metadef_namespace \
             add_metadef_object modify_metadef_object delete_metadef_object \
             add_metadef_property modify_metadef_property remove_metadef_property \
             add_metadef_resource_type_association remove_metadef_resource_type_association \
             add_metadef_tag add_metadef_tags modify_metadef_tag delete_metadef_tag delete_metadef_tags; do
      printf '"%s": ""\n' "$r"
    done
  } >"$d/policy.yaml"
}

# ------------------------------------------------------------- 4. main flow
ensure_glance
if [ "$AUTH" = keystone ]; then
  # shellcheck source=keystone.sh
  . "$HERE/keystone.sh"
  ks_ensure_installed
  ks_start
fi

NEW=$(mktemp -d "$STATE/run/conf.XXXXXX")
trap 'rm -rf "$NEW"' EXIT
write_config "$NEW"
chmod 600 "$NEW/glance-api.conf"

if pid=$(running_parent); then
  if cmp -s "$NEW/glance-api.conf" "$CONF" && versions_ok; then
    rg_log "already running from $STATE (pid $pid)"
    echo "$URL"
    exit 0
  fi
  rg_log "glance-api pid $pid runs with another configuration (or does not answer): restarting it"
fi
if [ -s "$PIDFILE" ]; then
  # A previous run (maybe its parent died, leaving a worker): stop.sh kills
  # whatever recorded process is still ours and clears the PID file.
  flock -u 9
  "$HERE/stop.sh" "$STATE" --api-only
  flock -w 60 9 || rg_die "could not re-take $STATE/run/lock"
fi

rg_port_free "$PORT" || rg_die "port $PORT on 127.0.0.1 is already in use by another process (set GLANCE_PORT)"

mv -f "$NEW/glance-api.conf" "$NEW/glance-api-paste.ini" "$NEW/policy.yaml" "$STATE/"

if [ ! -f "$STATE/run/db-ready" ]; then
  t0=$SECONDS
  MD=$(metadef_dir)
  rm -f "$STATE/glance.sqlite"
  "$RG_PY" -m glance.cmd.manage --config-file "$CONF" --log-file "$STATE/log/glance-manage.log" db sync >"$STATE/log/db-sync.log" 2>&1 \
    || { tail -n 25 "$STATE/log/db-sync.log" >&2; rg_die "glance-manage db sync failed"; }
  "$RG_PY" -m glance.cmd.manage --config-file "$CONF" --log-file "$STATE/log/glance-manage.log" db load_metadefs --path "$MD" \
      >"$STATE/log/load-metadefs.log" 2>&1 \
    || { tail -n 25 "$STATE/log/load-metadefs.log" >&2; rg_die "glance-manage db load_metadefs failed"; }
  touch "$STATE/run/db-ready"
  rg_log "database created and metadefs loaded in $((SECONDS - t0)) s"
fi

# Launch detached (own session, so the caller's Ctrl-C/SIGHUP does not reach it).
t0=$SECONDS
"$RG_PY" -c '
import os, sys
try:
    os.setsid()
except OSError:
    pass
os.execv(sys.argv[1], sys.argv[1:])
' "$RG_PY" -m glance.cmd.api --config-file "$CONF" \
  >>"$STATE/log/glance-api.out" 2>&1 </dev/null 9>&- &
pid=$!   # (9>&-: the daemon must not inherit the state-dir lock)
printf '%s %s\n' "$pid" "$(rg_starttime "$pid" || echo '?')" >"$PIDFILE"

deadline=$((SECONDS + TIMEOUT))
until versions_ok; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PIDFILE"
    tail -n 30 "$STATE/log/glance-api.out" "$STATE/log/glance-api.log" >&2 2>/dev/null || true
    rg_die "glance-api exited during start-up (logs above, in $STATE/log/)"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    tail -n 30 "$STATE/log/glance-api.log" >&2 2>/dev/null || true
    flock -u 9
    "$HERE/stop.sh" "$STATE" || true
    rg_die "glance-api did not answer GET $URL/versions within ${TIMEOUT} s (log tail above; it was stopped)"
  fi
  sleep 0.2
done

# Record the forked worker(s) too, so stop.sh can make sure they are gone.
{ printf '%s %s\n' "$pid" "$(rg_starttime "$pid")"
  for c in $(rg_children "$pid"); do printf '%s %s\n' "$c" "$(rg_starttime "$c")"; done
} >"$PIDFILE.new" && mv -f "$PIDFILE.new" "$PIDFILE"

rg_log "glance-api up in $((SECONDS - t0)) s: pids $(cut -d' ' -f1 "$PIDFILE" | tr '\n' ' ')(state $STATE, show_multiple_locations=$MULTI_LOC, auth=$AUTH, policy=$POLICY, log $STATE/log/glance-api.log)"
[ "$AUTH" = none ] || rg_log "keystone: $KS_URL/v3; identities: source $STATE/openrc-member (or openrc-admin), or OS_CLIENT_CONFIG_FILE=$STATE/clouds.yaml OS_CLOUD=conformance-member"
echo "$URL"
