"""Docker health check for gunicorn and daphne: `python deploy/healthcheck.py 8000 /readyz`.

Asks the process itself, as nginx would (an allowed Host, X-Forwarded-Proto https), so
ALLOWED_HOSTS and the HTTPS redirect do not get in the way.
"""

import os
import sys
import urllib.request

port = sys.argv[1]
path = sys.argv[2] if len(sys.argv) > 2 else "/healthz"
host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}{path}", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=5) as reply:
        sys.exit(0 if reply.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
