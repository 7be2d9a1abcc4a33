"""Serve Debian's Keystone (python3-keystone) WSGI application on loopback.

    /usr/bin/python3 keystone-wsgi.py --state KEYSTONE_DIR --port PORT

KEYSTONE_DIR holds keystone.conf (read through OS_KEYSTONE_CONFIG_DIR, as the
keystone-wsgi-public entry point does). The server is the standard library's
wsgiref with one thread per connection: no apache, no uwsgi. Each request is
logged as "METHOD PATH STATUS" (no headers, so no token) to
KEYSTONE_DIR/../log/keystone-access.log.
"""
import argparse
import os
import socketserver
import sys
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--state", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    os.environ["OS_KEYSTONE_CONFIG_DIR"] = args.state
    sys.argv[1:] = []  # keystone parses sys.argv through oslo.config
    from keystone.server.wsgi import initialize_public_application

    access_log = open(os.path.join(args.state, "..", "log", "keystone-access.log"), "a", buffering=1)

    class Handler(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            path = self.path.split("?", 1)[0]
            access_log.write("%s %s %s %s\n" % (time.strftime("%H:%M:%S"), self.command, path, code))

        def log_message(self, format, *a):  # errors only; never headers
            access_log.write("%s %s\n" % (time.strftime("%H:%M:%S"), format % a))

    app = initialize_public_application()
    server = ThreadingWSGIServer((args.host, args.port), Handler)
    server.set_app(app)
    sys.stderr.write("keystone listening on http://%s:%d\n" % (args.host, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
