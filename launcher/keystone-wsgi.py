"""Serve Debian's Keystone (python3-keystone) WSGI application on loopback for launcher/keystone.ts.

    /usr/bin/python3 keystone-wsgi.py --config-dir DIR --port PORT --access-log FILE

DIR holds keystone.conf (read through OS_KEYSTONE_CONFIG_DIR, as the keystone-wsgi-public entry point does).
Keystone is a WSGI application and Debian's python3-keystone brings no server without apache; the standard
library's wsgiref, one thread per connection, is enough. Each request is logged as "METHOD PATH STATUS": no
headers and no query string, so no token.
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
    parser.add_argument("--config-dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--access-log", required=True)
    args = parser.parse_args()

    os.environ["OS_KEYSTONE_CONFIG_DIR"] = args.config_dir
    sys.argv[1:] = []  # keystone parses sys.argv through oslo.config
    from keystone.server.wsgi import initialize_public_application

    access_log = open(args.access_log, "a", buffering=1)

    class Handler(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            path = self.path.split("?", 1)[0]
            access_log.write("%s %s %s %s\n" % (time.strftime("%H:%M:%S"), self.command, path, code))

        def log_message(self, format, *a):  # errors only; never headers
            access_log.write("%s %s\n" % (time.strftime("%H:%M:%S"), format % a))

    server = ThreadingWSGIServer(("127.0.0.1", args.port), Handler)
    server.set_app(initialize_public_application())
    sys.stderr.write("keystone listening on http://127.0.0.1:%d\n" % args.port)
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
