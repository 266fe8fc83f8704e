"""The benchmark's load: gunicorn serving a checkout of the app, wrk and open-loop requests against it, and the CLD
extract timed against psql. A Side is one checkout with its database: the code under test, and the code before it.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CSRF = "benchCSRFtoken0123456789abcdefAB"  # a valid 32-character CSRF secret, sent as cookie and header


def sh(args, **kwargs):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def database_url(name):
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def django_env(url, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "caredirector.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


@dataclass
class Side:
    """One checkout of the app (`root`) served from its own database: what a report compares."""

    name: str
    root: Path
    database: str
    info: dict = None  # the probe's users, forms and cursors
    server: "Gunicorn" = None

    @property
    def url(self):
        return database_url(self.database)

    def probe(self):
        """Sign the benchmark's users in and pick its forms and cursors (the checkout's own bench/probe.py)."""
        out = sh([PY, str(self.root / "bench" / "probe.py")], cwd=self.root, env=django_env(self.url)).stdout
        self.info = json.loads(out.strip().splitlines()[-1])


class Gunicorn:
    def __init__(self, side, port, workers=2):
        # the CLD extract runs' files: shared with the queue's worker (queued_run_timing)
        self.env = django_env(
            side.url, STATIC_ROOT=tempfile.mkdtemp(), CLD_LA_CODE="384", MEDIA_ROOT=tempfile.mkdtemp()
        )
        sh([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=side.root, env=self.env)
        self.port = port
        self.process = subprocess.Popen(  # noqa: S603 - our own server, on loopback
            [
                str(Path(PY).with_name("gunicorn")),
                "caredirector.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=side.root,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if subprocess.run(["wrk", "-t1", "-c1", "-d1s", self.url("/healthz")], capture_output=True).returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def cpu_seconds():
    """CPU seconds used so far by gunicorn's processes and by PostgreSQL's, read from /proc (Linux only)."""
    used = {"gunicorn": 0.0, "postgres": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        # gunicorn runs as "python .../gunicorn ..."; PostgreSQL's backends retitle themselves "postgres: ..."
        postgres = command.startswith((b"postgres", b"/usr/lib/postgresql/"))
        group = "gunicorn" if b"bin/gunicorn" in command else "postgres" if postgres else None
        if group:
            used[group] += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return used


def wrk(server, path, *, session=None, seconds=5, threads=2, connections=4, script=None):
    """Run wrk against a path; return requests/s, p50/p90/p99 in ms, the count of non-2xx/3xx answers, and the CPU
    milliseconds a request cost the app (gunicorn's processes) and PostgreSQL."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if session:
        args += ["-H", f"Cookie: sessionid={session}; csrftoken={CSRF}", "-H", f"X-CSRFToken: {CSRF}"]
    if script:
        args += ["-s", script]
    before = cpu_seconds()
    out = subprocess.run([*args, server.url(path)], capture_output=True, text=True, timeout=seconds + 60).stdout
    after = cpu_seconds()
    requests = max(1, int(re.search(r"(\d+) requests in", out).group(1)))
    cpu = {f"{group}_ms": (after[group] - before[group]) * 1000 / requests for group in after}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {}
    for pct in ("50", "90", "99"):
        found = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out)
        latency[pct] = float(found.group(1)) * UNITS[found.group(2)] if found else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, **latency, "errors": int(errors.group(1)) if errors else 0, **cpu}


SAVE_SCRIPT = """
local forms = {%(forms)s}
local revisions = {%(revisions)s}
local question = "%(question)s"
local threads = {}
local current = 0
local counter = 0
function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
function init(args)
  local per = math.floor(#forms / 2)
  lo = offset * per + 1
  hi = lo + per - 1
  counter = lo - 1
end
function request()
  counter = counter + 1
  if counter > hi then counter = lo end
  current = counter
  local body = "revision=" .. revisions[current] .. "&status=in_progress&" .. question .. "=Saved+by+the+benchmark"
  return wrk.format("POST", "/forms/" .. forms[current] .. "/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sessionid=%(session)s; csrftoken=%(csrf)s",
    ["X-CSRFToken"] = "%(csrf)s",
  }, body)
end
function response(status, headers, body)
  if status == 302 then revisions[current] = revisions[current] + 1 end
end
"""


def pages(info):
    p, m = info["practitioner_session"], info["manager_session"]
    return {
        "/healthz (baseline)": ("/healthz", None),
        "Trivial signed-in page": ("/accounts/password_change/done/", p),
        "My Forms (25 rows)": ("/", p),
        "Forms to Sign-Off chart": ("/dashboards/sign-off/", m),
        "Sign-off list, first page": (f"/dashboards/sign-off/forms/?{info['list_query']}", m),
        # a team manager's own queue (15 practitioners' forms) and a deputy's (two teams): code with teams only
        "Forms to Sign-Off chart, a team's": ("/dashboards/sign-off/", info.get("team_manager_session")),
        "Sign-off list, a team's first page": (
            f"/dashboards/sign-off/forms/?{info['list_query']}",
            info.get("team_manager_session"),
        ),
        "Sign-off list, page 1,000": (
            f"/dashboards/sign-off/forms/?{info['list_query']}&after={info['deep_cursor']}",
            m,
        ),
        "Case Record": (f"/cases/{info['case']}/", p),
        "Case Record, 1,200-form client": (f"/cases/{info['hot_case']}/", p),
        "Forms (Case)": (f"/cases/{info['case']}/forms/", p),
        "Forms (Case), 1,200-form client": (f"/cases/{info['hot_case']}/forms/", p),
        "Form edit GET (50 questions + CLD)": (f"/forms/{info['fifty_form']}/", p),
    }


def save_script(side, path):
    """The save script with each form's revision as the database holds it now (the last repetition saved them)."""
    forms = side.info["save_forms"]
    rows = sh(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", side.database, "-tAc"]
        + [f"SELECT id, revision FROM forms_engine_form WHERE id IN ({','.join(map(str, forms))})"]
    ).stdout.split()
    current = dict(row.split("|") for row in rows)
    path.write_text(
        SAVE_SCRIPT
        % {
            "forms": ",".join(str(f) for f in forms),
            "revisions": ",".join(current[str(f)] for f in forms),
            "question": side.info["save_question"],
            "session": side.info["practitioner_session"],
            "csrf": CSRF,
        }
    )


def measure(sides, seconds, reps, only=None):
    """Every page of every side with wrk, page by page, the sides taking turns, in `reps` repetitions; each figure
    also as a ratio to the side's own /healthz in the same repetition. Returns {side: {page: [samples]}}.
    `only`: the names of the pages to measure (with /healthz); the save is measured when named too."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    chosen = [name for name in pages(sides[0].info) if only is None or name in only or name.startswith("/healthz")]
    saves = only is None or "Form save POST" in only
    names = [*chosen, *(["Form save POST"] if saves else [])]
    results = {side.name: {name: [] for name in names} for side in sides}
    for rep in range(reps):
        baselines = {}
        for name in chosen:
            for side in sides:
                path, session = pages(side.info)[name]
                if session is None and path != "/healthz":
                    continue  # a page this side's code has not (its probe made no user for it)
                result = wrk(side.server, path, session=session, seconds=seconds)
                baselines.setdefault(side.name, result["rps"])
                result["ratio"] = result["rps"] / baselines[side.name]
                results[side.name][name].append(result)
        for side in sides if saves else ():  # each thread drives its own connection and forms: revisions current
            save_script(side, script)
            result = wrk(side.server, "/", seconds=seconds, threads=2, connections=2, script=str(script))
            result["ratio"] = result["rps"] / baselines[side.name]
            results[side.name]["Form save POST"].append(result)
        print(f"repetition {rep + 1}/{reps}: healthz " + ", ".join(f"{k} {v:.0f}" for k, v in baselines.items()))
    return results


def summarise(samples):
    def med(key):
        values = [s[key] for s in samples]
        return statistics.median(values), min(values), max(values)

    keys = ("rps", "50", "90", "99", "ratio", "gunicorn_ms", "postgres_ms")
    return {key: med(key) for key in keys} | {"errors": sum(s["errors"] for s in samples)}


def print_timing(side, at_once=10):
    """Server time of one print (no load) and p95 latency with ten prints at once."""
    server, info = side.server, side.info
    path = f"/forms/{info['fifty_form']}/print/"
    body = urllib.parse.urlencode({"sections": info["fifty_sections"], "comment": "benchmark"}, doseq=True)
    headers = {
        "Cookie": f"sessionid={info['practitioner_session']}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Content-Type": "application/x-www-form-urlencoded",
    }

    def one():
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        started = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200, response.status
        return (time.perf_counter() - started) * 1000

    single = sorted(one() for _ in range(10))
    latencies = []
    for _round in range(3):
        threads, results = [], []
        for _ in range(at_once):
            thread = threading.Thread(target=lambda found=results: found.append(one()))
            threads.append(thread)
            thread.start()
        for thread in threads:
            thread.join()
        latencies.extend(results)
    latencies.sort()
    return {
        "single_median": statistics.median(single),
        "p95_concurrent": latencies[int(len(latencies) * 0.95) - 1],
        "concurrent": at_once,
        "samples": len(latencies),
    }


def extract_timing(side):
    """The CLD extract of every event (written by COPY) against psql COPY of the same rows to /dev/null, its memory
    growth, and separately the run that also checks every row and writes the data-quality report."""
    start, end = "2000-01-01", "2100-12-31"
    output = Path(tempfile.mkdtemp()) / "extract.csv"

    def timed(*extra):
        runner = (
            "import resource, sys, time, django; django.setup(); "
            "from django.core.management import call_command; "
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; t = time.perf_counter(); "
            f"call_command('cld_extract', '--start', '{start}', '--end', '{end}', '--output', '{output}'"
            + "".join(f", '{arg}'" for arg in extra)
            + "); print('RESULT', time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)"
        )
        out = sh([PY, "-c", runner], cwd=side.root, env=django_env(side.url, CLD_LA_CODE="384")).stdout
        seconds, growth_kb = out.split("RESULT")[1].split()
        return float(seconds), int(growth_kb) / 1024

    seconds, growth_mb = timed("--extract-only")
    rows = sum(1 for _ in output.open(newline="")) - 1
    full_seconds, full_growth_mb = timed()
    query = (
        "SELECT f.id, f.start_date, f.completed_at, f.cld_event_type_id, f.cld_event_outcome_id, f.cld_method_id, "
        "f.cld_route_of_access_id, f.cld_review_reason_id, p.* FROM forms_engine_form f "
        "JOIN forms_engine_formtype t ON t.id = f.form_type_id JOIN cases_case c ON c.id = f.case_id "
        "JOIN cases_person p ON p.id = c.person_id WHERE t.has_cld_section AND f.status IN ('complete', 'closed')"
    )
    name = side.database
    copies = []
    for _ in range(3):
        t = time.perf_counter()
        sh(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-c", f"\\copy ({query}) TO '/dev/null' CSV"])
        copies.append(time.perf_counter() - t)
    copy_seconds = statistics.median(copies)
    shutil.rmtree(output.parent, ignore_errors=True)
    return {
        "rows": rows,
        "seconds": seconds,
        "copy_seconds": copy_seconds,
        "ratio": seconds / copy_seconds,
        "growth_mb": growth_mb,
        "full_seconds": full_seconds,
        "full_growth_mb": full_growth_mb,
    }


def queued_run_timing(side, timeout=1800):
    """A CLD extract run of every event queued from the CLD Extract page, one worker taking it: how long the page
    took to queue it, how the page answered while the run went on, and how long the run took."""
    import http.client

    server = side.server
    headers = {"Cookie": f"sessionid={side.info['data_team_session']}; csrftoken={CSRF}", "X-CSRFToken": CSRF}

    def request(method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        extra = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        started = time.perf_counter()
        connection.request(method, path, body=body, headers={**headers, **extra})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response, data, (time.perf_counter() - started) * 1000

    worker = subprocess.Popen(  # noqa: S603 - our own worker, on loopback
        [PY, "manage.py", "procrastinate", "worker", "--queues", "extracts"],
        cwd=side.root,
        env=server.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = urllib.parse.urlencode({"start": "2000-01-01", "end": "2100-12-31", "release": "2"})
        response, _data, queue_ms = request("POST", "/cld/extract/", body)
        run_page = response.getheader("Location")
        if response.status != 302 or not run_page:
            raise RuntimeError(f"the CLD Extract page did not queue a run: {response.status}")
        progress_path = run_page + "progress/"
        page_ms, run_page_ms, progress_ms, errors = [], [], [], 0
        deadline = time.monotonic() + timeout
        state = "queued"
        while state in ("queued", "running") and time.monotonic() < deadline:
            for path, into in (("/cld/extract/", page_ms), (run_page, run_page_ms)):
                response, _data, ms = request("GET", path)
                errors += response.status != 200
                into.append(ms)
            response, data, ms = request("GET", progress_path)
            progress_ms.append(ms)
            state = json.loads(data)["state"]
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    run_id = run_page.rstrip("/").rsplit("/", 1)[-1]
    row = (
        sh(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                side.database,
                "-tAF",
                "|",
                "-c",
                "SELECT state, rows_done, extract(epoch FROM finished_at - started_at), "
                f"extract(epoch FROM finished_at - requested_at), extract_size, report_size FROM cld_extractrun "
                f"WHERE id = {int(run_id)}",
            ]
        )
        .stdout.strip()
        .split("|")
    )

    def quantile(values, q):
        return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else 0)

    return {
        "state": row[0],
        "rows": int(row[1]),
        "run_seconds": float(row[2] or 0),
        "queued_to_done_seconds": float(row[3] or 0),
        "extract_mb": int(row[4] or 0) / 2**20,
        "report_mb": int(row[5] or 0) / 2**20,
        "queue_ms": queue_ms,
        "page_requests": len(page_ms),
        "page_p50": statistics.median(page_ms) if page_ms else 0,
        "page_max": max(page_ms, default=0),
        "run_page_p50": statistics.median(run_page_ms) if run_page_ms else 0,
        "run_page_max": max(run_page_ms, default=0),
        "progress_p95": quantile(progress_ms, 95),
        "errors": errors,
    }


def mixed_load(side, rate=100, seconds=30, workers=64):
    """Open-loop load at a fixed rate: each request is sent at its scheduled time and timed from then."""
    import http.client

    server, info = side.server, side.info
    p, m = info["practitioner_session"], info["manager_session"]
    mix = (
        [("GET", "/", p)] * 8
        + [("GET", f"/cases/{info['case']}/", p), ("GET", f"/cases/{info['case']}/forms/", p)] * 2
        + [("GET", f"/forms/{info['fifty_form']}/", p)] * 4
        + [("POST", None, p)] * 2
        + [("GET", "/dashboards/sign-off/", m), ("GET", f"/dashboards/sign-off/forms/?{info['list_query']}", m)]
    )
    total = rate * seconds
    start = time.perf_counter() + 0.5
    latencies, errors, lock = [], [], threading.Lock()
    saves = {"index": 0}
    revisions = dict(zip(info["mixed_forms"], info["mixed_revisions"], strict=True))
    forms = list(revisions)

    def send(number):
        method, path, session = mix[number % len(mix)]
        body, headers = None, {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
        form = None
        if method == "POST":
            with lock:
                form = forms[saves["index"] % len(forms)]
                saves["index"] += 1
                revision = revisions[form]
                revisions[form] += 1  # each form is saved by one request at a time (enough forms for the rate)
            path = f"/forms/{form}/"
            body = f"revision={revision}&status=in_progress&{info['save_question']}=Mixed+load"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        scheduled = start + number / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            ok = response.status in (200, 302)
        except OSError:
            ok = False
        elapsed = (time.perf_counter() - scheduled) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors.append((method, path))

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(send, range(total)))
    latencies.sort()
    return {
        "requests": total,
        "rate": rate,
        "p50": latencies[len(latencies) // 2],
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "errors": len(errors),
    }
