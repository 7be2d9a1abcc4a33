#!/usr/bin/env bash
# Smoke test of a running real Glance (curl only; python3 http.server for one
# http location). usage: smoke.sh [BASE_URL]   (default http://127.0.0.1:9292)
# Checks the behaviours the conformance suite relies on; exits non-zero on the
# first mismatch. With GLANCE_SHOW_MULTIPLE_LOCATIONS=False it checks the
# "locations hidden" variant instead.
set -uo pipefail
B=${1:-http://127.0.0.1:9292}
PY=/usr/bin/python3
MULTI=${GLANCE_SHOW_MULTIPLE_LOCATIONS:-True}
PATCH_CT='Content-Type: application/openstack-images-v2.1-json-patch'
fail=0
check() {  # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1 ($3)"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}
code() { curl -s -o /tmp/smoke.$$ -w '%{http_code}' "$@"; }
field() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get(sys.argv[2], "<absent>"))' /tmp/smoke.$$ "$1"; }
new_image() {
  code -X POST "$B/v2/images" -H 'Content-Type: application/json' \
    -d '{"name":"smoke","disk_format":"ploop","container_format":"bare"}' >/dev/null
  field id
}
trap 'rm -rf /tmp/smoke.$$ /tmp/smoke-srv.$$.d; [ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null' EXIT

check "GET /versions" 200 "$(code "$B/versions")"
check "POST /v2/images (ploop)" 201 "$(code -X POST "$B/v2/images" -H 'Content-Type: application/json' \
  -d '{"name":"x","disk_format":"ploop","container_format":"bare"}')"
A=$(field id)
check "PUT file 32 B" 204 "$(code -X PUT "$B/v2/images/$A/file" -H 'Content-Type: application/octet-stream' \
  --data-binary ABCDEFGHIJKLMNOPQRSTUVWXYZ012345)"
check "GET file Range bytes=0-4" 206 "$(code -H 'Range: bytes=0-4' "$B/v2/images/$A/file")"
check "ranged body" ABCDE "$(cat /tmp/smoke.$$)"

Q=$(new_image)
if [ "$MULTI" = True ]; then
  check "queued: remove /locations/0" 409 "$(code -X PATCH "$B/v2/images/$Q" -H "$PATCH_CT" \
    -d '[{"op":"remove","path":"/locations/0"}]')"
  mkdir -p /tmp/smoke-srv.$$.d && printf 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' >/tmp/smoke-srv.$$.d/file
  HP=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  $PY -m http.server --bind 127.0.0.1 --directory /tmp/smoke-srv.$$.d "$HP" >/dev/null 2>&1 &
  SRV=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$HP/file" && break; sleep 0.1; done
  H=$(new_image)
  check "queued: replace /locations [http://127.0.0.1:$HP/file]" 200 "$(code -X PATCH "$B/v2/images/$H" -H "$PATCH_CT" \
    -d "[{\"op\":\"replace\",\"path\":\"/locations\",\"value\":[{\"url\":\"http://127.0.0.1:$HP/file\",\"metadata\":{}}]}]")"
  check "  -> status" active "$(field status)"
  check "  -> size" 32 "$(field size)"
  kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=; rm -rf /tmp/smoke-srv.$$.d
else
  check "location PATCH with show_multiple_locations=False" 403 "$(code -X PATCH "$B/v2/images/$Q" -H "$PATCH_CT" \
    -d '[{"op":"replace","path":"/locations","value":[{"url":"http://127.0.0.1:1/file","metadata":{}}]}]')"
  code "$B/v2/images/$A" >/dev/null
  check "GET image has no locations key" "<absent>" "$(field locations)"
fi

S=$(new_image)
check "PUT stage" 204 "$(code -X PUT "$B/v2/images/$S/stage" -H 'Content-Type: application/octet-stream' \
  --data-binary ABCDEFGHIJKLMNOPQRSTUVWXYZ012345)"
code "$B/v2/images/$S" >/dev/null
check "  -> status" uploading "$(field status)"
check "deactivate active image" 204 "$(code -X POST "$B/v2/images/$A/actions/deactivate")"
check "create public image (publicize_image opened)" 201 "$(code -X POST "$B/v2/images" -H 'Content-Type: application/json' \
  -d '{"name":"pub","visibility":"public"}')"
check "GET metadef OS::Compute::Hypervisor" 200 "$(code "$B/v2/metadefs/namespaces/OS::Compute::Hypervisor")"
check "  -> mentions vz" yes "$(grep -q '"vz"' /tmp/smoke.$$ && echo yes || echo no)"
exit $fail
