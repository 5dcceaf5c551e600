#!/usr/bin/env python3
"""A news site for tests: serves DIR/<name>.xml at /<name> with an ETag (the file's
SHA-256) and answers 304 when If-None-Match matches; /redirect/N/<name> redirects N
times before serving <name>. Logs "<path> <status>" per request
to DIR/requests.log. Usage: feed_server.py DIR PORTFILE"""
import hashlib
import http.server
import os
import sys

root, portfile = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if parts[0] == "redirect" and len(parts) == 3 and int(parts[1]) > 0:
            self.send_response(302)
            self.send_header("Location", "/redirect/%d/%s" % (int(parts[1]) - 1, parts[2]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path = os.path.join(root, parts[-1] + ".xml")
        if not os.path.isfile(path):
            status, body, etag = 404, b"", None
        else:
            body = open(path, "rb").read()
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
            status = 304 if self.headers.get("If-None-Match") == etag else 200
        with open(os.path.join(root, "requests.log"), "a") as log:
            log.write("%s %d\n" % (self.path, status))
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        if status == 200:
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status == 200:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
