"""Creates cases as fast as one connection allows, for the fault tests.

Usage: load.py BASE_URL TOKEN SECONDS OUT_FILE
Each answer is a line "<unix time> <status> <case id or -> <Retry-After or ->"; a
connection error is status 0. Stops after SECONDS or when OUT_FILE.stop exists.
"""
import http.client
import json
import os
import sys
import time
import urllib.parse

base, token, seconds, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
url = urllib.parse.urlparse(base)
end = time.time() + seconds
n = 0
with open(out, "a", buffering=1) as f:
    conn = None
    while time.time() < end and not os.path.exists(out + ".stop"):
        n += 1
        body = json.dumps({"channel": "hotline", "subject": "門牌整編 %d" % n,
                           "body": "請問何時完成", "petitioner": {"name": "林先生"}})
        try:
            if conn is None:
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            conn.request("POST", "/api/v1/cases", body=body.encode(),
                         headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
            case_id = json.loads(data).get("id", "-") if r.status in (200, 201) else "-"
            f.write("%.3f %d %s %s\n" % (time.time(), r.status, case_id, r.getheader("Retry-After") or "-"))
            if r.status == 503:
                time.sleep(0.2)
        except Exception:
            f.write("%.3f 0 - -\n" % time.time())
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.2)
