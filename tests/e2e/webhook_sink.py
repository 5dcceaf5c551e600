"""A webhook receiver for tests: appends each request's X-Idempotency-Key to a file
and answers 200. Usage: webhook_sink.py PORT FILE"""
import http.server
import sys
import threading

port, path = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock, open(path, "a") as f:
            f.write(self.headers.get("X-Idempotency-Key", "") + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
