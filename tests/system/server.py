"""Run the app under gunicorn (production settings, PostgreSQL) and talk to it over HTTP like a browser would."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with several workers (sync, or threaded: `threads` > 1), production settings, on 127.0.0.1 only."""

    def __init__(self, database_url, static_root, workers=4, threads=1):
        self.port = free_port()
        kind = "sync workers" if threads == 1 else f"workers x {threads} threads"
        self.name = f"gunicorn {workers} {kind}"
        self.log = Path(static_root).parent / "gunicorn.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")},
            "DJANGO_SETTINGS_MODULE": "caredirector.settings",
            "DEBUG": "0",
            "SECRET_KEY": "system-test-" + "s3cr3t" * 10,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "SECURE_PROXY_SSL_HEADER": "1",
            "STATIC_ROOT": str(static_root),
            "DB_POOL_MAX_SIZE": str(max(4, threads)),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=120,
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, on loopback
            [
                str(GUNICORN),
                "caredirector.wsgi",
                "--workers",
                str(workers),
                *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _headers, _body = Browser(self).get("/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def errors(self):
        return self.log.read_text() if self.log.exists() else ""

    def worker_pids(self):
        """The master's child processes, read from /proc."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:  # the field after the state is the parent's id
                children.append(int(stat.parent.name))
        return sorted(children)

    def kill_a_worker(self, index=0):
        pids = self.worker_pids()
        if pids:
            os.kill(pids[index % len(pids)], signal.SIGKILL)
        return pids

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Browser:
    """One user's session: cookies (kept whatever their Secure flag: the proxy header says HTTPS) and CSRF tokens."""

    def __init__(self, server, https=True):
        self.server = server
        self.cookies = {}
        self.https = https
        self.last_headers = []

    def request(self, method, path, fields=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        body = urllib.parse.urlencode(fields, doseq=True) if fields is not None else None
        sent = {"Host": f"127.0.0.1:{self.server.port}", **(headers or {})}
        if self.https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://127.0.0.1:{self.server.port}{path}"
            if "csrftoken" in self.cookies:
                sent["X-CSRFToken"] = self.cookies["csrftoken"]
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
            headers = response.getheaders()
        finally:
            connection.close()
        self.last_headers = headers
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, headers, data

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        """POST a form; the CSRF token travels in a header, from the cookie the sign-in page sets."""
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.request("POST", path, fields)

    def sign_in(self, username, password):
        status, headers, _ = self.post("/accounts/login/", {"username": username, "password": password})
        if status != 302:
            raise AssertionError(f"sign-in of {username} failed: {status}")
        return self


def header(headers, name):
    return [value for key, value in headers if key.lower() == name.lower()]


def revision_in(page):
    found = re.search(r'name="revision" value="(\d+)"', page)
    return int(found.group(1)) if found else None
