"""Identities, catalog and client files for the Keystone-backed real Glance.

    /usr/bin/python3 keystone-setup.py secrets STATE_DIR
        creates STATE_DIR/keystone/passwords.json (mode 600) once; prints nothing.
    /usr/bin/python3 keystone-setup.py configure STATE_DIR KEYSTONE_URL GLANCE_URL
        idempotently creates, through Keystone's v3 REST API as the bootstrap admin:
          role "service"; projects "service", "conformance-a", "conformance-b";
          user "glance" (admin + service on "service"; keystonemiddleware's service user);
          user "conformance-member" (member on "conformance-a");
          user "conformance-admin" (admin on "conformance-b");
          service "glance" (type image) with public/internal/admin endpoints = GLANCE_URL;
        then writes STATE_DIR/openrc-member, openrc-admin, clouds.yaml (mode 600).

Standard library only (urllib), Debian's /usr/bin/python3.
"""
import json
import os
import shlex
import secrets
import sys
import urllib.error
import urllib.request

REGION = "RegionOne"
USERS = {
    # name: (password key, project, roles)
    "glance": ("glance", "service", ["admin", "service"]),
    "conformance-member": ("member", "conformance-a", ["member"]),
    "conformance-admin": ("cadmin", "conformance-b", ["admin"]),
}


def die(msg):
    sys.stderr.write("[real-glance] ERROR: %s\n" % msg)
    sys.exit(1)


def write_private(path, text):
    tmp = path + ".new"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def passwords(state):
    path = os.path.join(state, "keystone", "passwords.json")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_private(path, json.dumps({k: secrets.token_urlsafe(18) for k in ("admin", "glance", "member", "cadmin")}))
    with open(path) as f:
        return json.load(f)


class Keystone:
    def __init__(self, url, admin_password):
        self.url = url.rstrip("/") + "/v3"
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"id": "default"}, "password": admin_password}}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
        res, _ = self.call("POST", "/auth/tokens", body, auth=False)
        self.token = res.headers["X-Subject-Token"]

    def call(self, method, path, body=None, auth=True, ok=(200, 201, 204)):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("Accept", "application/json")
        if auth:
            req.add_header("X-Auth-Token", self.token)
        try:
            res = urllib.request.urlopen(req, timeout=30)
        except urllib.error.HTTPError as e:
            if e.code in ok:
                return e, None
            die("Keystone %s %s answered %s: %s" % (method, path, e.code, e.read()[:300].decode("utf8", "replace")))
        except OSError as e:
            die("cannot reach Keystone at %s: %s" % (self.url, e))
        raw = res.read()
        return res, (json.loads(raw) if raw else None)

    def find(self, collection, **query):
        qs = "&".join("%s=%s" % (k, urllib.request.quote(v)) for k, v in query.items())
        _, doc = self.call("GET", "/%s?%s" % (collection, qs))
        return doc[collection][0] if doc[collection] else None

    def ensure(self, collection, singular, query, create):
        """Returns (resource, True if it existed already)."""
        found = self.find(collection, **query)
        if found:
            return found, True
        _, doc = self.call("POST", "/" + collection, {singular: create})
        return doc[singular], False


    def ensure_endpoints(self, service_id, url):
        """public/internal/admin endpoints of the service in REGION = url, and no others."""
        _, doc = self.call("GET", "/endpoints?service_id=%s" % service_id)
        have = {(e["interface"], e["url"].rstrip("/"), e.get("region_id")) for e in doc["endpoints"]}
        for e in doc["endpoints"]:
            if (e["url"].rstrip("/"), e.get("region_id")) != (url, REGION):
                self.call("DELETE", "/endpoints/%s" % e["id"])
        for iface in ("public", "internal", "admin"):
            if (iface, url, REGION) not in have:
                self.call("POST", "/endpoints", {"endpoint": {"service_id": service_id, "interface": iface, "url": url, "region_id": REGION}})


def configure(state, keystone_url, glance_url):
    pw = passwords(state)
    ks = Keystone(keystone_url, pw["admin"])
    domain = "default"
    roles = {r: ks.ensure("roles", "role", {"name": r}, {"name": r})[0] for r in ("admin", "member", "reader", "service")}
    projects = {p: ks.ensure("projects", "project", {"name": p, "domain_id": domain},
                             {"name": p, "domain_id": domain, "description": "glance-conformance"})[0]
                for p in ("service", "conformance-a", "conformance-b")}
    for name, (key, project, role_names) in USERS.items():
        user, existed = ks.ensure("users", "user", {"name": name, "domain_id": domain},
                                  {"name": name, "domain_id": domain, "password": pw[key], "default_project_id": projects[project]["id"]})
        if existed:  # keeps the stored password authoritative
            ks.call("PATCH", "/users/%s" % user["id"], {"user": {"password": pw[key]}})
        for r in role_names:
            ks.call("PUT", "/projects/%s/users/%s/roles/%s" % (projects[project]["id"], user["id"], roles[r]["id"]))

    service, _ = ks.ensure("services", "service", {"type": "image"}, {"name": "glance", "type": "image", "description": "real Glance 25.1"})
    ks.ensure_endpoints(service["id"], glance_url)
    # keystonemiddleware validates tokens at the catalog's identity endpoint: it must follow KEYSTONE_PORT.
    identity, _ = ks.ensure("services", "service", {"type": "identity"}, {"name": "keystone", "type": "identity"})
    ks.ensure_endpoints(identity["id"], keystone_url.rstrip("/") + "/v3")

    auth_url = keystone_url.rstrip("/") + "/v3"
    clouds = ["# Generated by scripts/real-glance/start.sh (GLANCE_AUTH=keystone). Contains passwords.", "clouds:"]
    for label, user, key, project in (("member", "conformance-member", "member", "conformance-a"),
                                      ("admin", "conformance-admin", "cadmin", "conformance-b")):
        write_private(os.path.join(state, "openrc-" + label), "\n".join([
            "# Generated by scripts/real-glance/start.sh: the %s identity of the Keystone-backed real Glance." % label,
            "# Usage: source %s && npm run conformance" % os.path.join(state, "openrc-" + label),
            "unset OS_CLOUD OS_AUTH_TOKEN OS_TOKEN OS_APPLICATION_CREDENTIAL_ID OS_APPLICATION_CREDENTIAL_SECRET GLANCE_URL",
        ] + ["export %s=%s" % (name, shlex.quote(value)) for name, value in (
            ("OS_AUTH_URL", auth_url),
            ("OS_IDENTITY_API_VERSION", "3"),
            ("OS_AUTH_TYPE", "password"),
            ("OS_USERNAME", user),
            ("OS_PASSWORD", pw[key]),
            ("OS_PROJECT_NAME", project),
            ("OS_USER_DOMAIN_NAME", "Default"),
            ("OS_PROJECT_DOMAIN_NAME", "Default"),
            ("OS_INTERFACE", "public"),
            ("OS_REGION_NAME", REGION),
        )] + [""]))
        clouds += [
            "  conformance-%s:" % label,
            "    auth_type: password",
            "    auth:",
            "      auth_url: %s" % auth_url,
            "      username: %s" % user,
            "      password: '%s'" % pw[key],
            "      project_name: %s" % project,
            "      user_domain_name: Default",
            "      project_domain_name: Default",
            "    identity_api_version: 3",
            "    interface: public",
            "    region_name: %s" % REGION,
        ]
    write_private(os.path.join(state, "clouds.yaml"), "\n".join(clouds) + "\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "secrets":
        passwords(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "password":
        sys.stdout.write(passwords(sys.argv[2])[sys.stdin.readline().strip()])
    elif len(sys.argv) == 5 and sys.argv[1] == "configure":
        configure(sys.argv[2], sys.argv[3], sys.argv[4].rstrip("/"))
    else:
        die("usage: keystone-setup.py secrets STATE | configure STATE KEYSTONE_URL GLANCE_URL")


if __name__ == "__main__":
    main()
