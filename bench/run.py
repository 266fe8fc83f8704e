"""The council-scale benchmark (`make bench`): seed PostgreSQL, serve with gunicorn, load it with wrk, write a report.

Every figure is also given as a ratio to /healthz requests per second measured in the same repetition, because
absolute numbers on a shared two-core machine are noise. Loopback only; every load is bounded in time.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CSRF = "benchCSRFtoken0123456789abcdefAB"  # a valid 32-character CSRF secret, sent as cookie and header
TARGETS = {  # name: (ratio target, description)
    "My Forms (25 rows)": 0.10,
    "Forms to Sign-Off chart": 0.08,
    "Sign-off list, first page": 0.08,
    "Sign-off list, page 1,000": 0.08,
    "Case Record": 0.08,
    "Case Record, 1,200-form client": 0.08,
    "Forms (Case)": 0.08,
    "Forms (Case), 1,200-form client": 0.08,
    "Form edit GET (50 questions + CLD)": 0.05,
    "Form save POST": 0.03,
}


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


def prepare(url, scale, forms):
    """Create and seed the database (once), and return what the load needs: sessions, ids, cursors."""
    name = urllib.parse.urlparse(url).path.lstrip("/")
    exists = sh(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"]
    ).stdout.strip()
    if not exists:
        sh(["createdb", "-h", "127.0.0.1", "-U", "postgres", name])
    args = [PY, str(ROOT / "bench" / "seed.py"), "--scale", str(scale)]
    if forms:
        args += ["--forms", str(forms), "--people", str(max(1000, forms // 10))]
    started = time.monotonic()
    seeded = subprocess.run(args, check=True, env=django_env(url, DEBUG="1"), capture_output=True, text=True).stdout
    print(seeded, end="", flush=True)
    seed_seconds = None if "already seeded" in seeded else time.monotonic() - started
    probe = sh([PY, str(ROOT / "bench" / "probe.py")], env=django_env(url)).stdout
    return json.loads(probe.strip().splitlines()[-1]), seed_seconds


class Gunicorn:
    def __init__(self, url, static_root, workers=2):
        self.env = django_env(url, STATIC_ROOT=str(static_root))
        sh([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=self.env)
        self.port = 8765
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
            cwd=ROOT,
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


def measure(server, info, seconds, reps, database):
    p, m = info["practitioner_session"], info["manager_session"]
    pages = {
        "/healthz (baseline)": ("/healthz", None),
        "Trivial signed-in page": ("/accounts/password_change/done/", p),
        "My Forms (25 rows)": ("/", p),
        "Forms to Sign-Off chart": ("/dashboards/sign-off/", m),
        "Sign-off list, first page": (f"/dashboards/sign-off/forms/?{info['list_query']}", m),
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
    script = Path(tempfile.mkstemp(suffix=".lua")[1])

    def write_script():
        """The save script with each form's revision as the database holds it now (the last repetition saved them)."""
        forms = info["save_forms"]
        rows = sh(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                database,
                "-tAc",
                f"SELECT id, revision FROM forms_engine_form WHERE id IN ({','.join(map(str, forms))})",
            ]
        ).stdout.split()
        current = dict(row.split("|") for row in rows)
        script.write_text(
            SAVE_SCRIPT
            % {
                "forms": ",".join(str(f) for f in forms),
                "revisions": ",".join(current[str(f)] for f in forms),
                "question": info["save_question"],
                "session": p,
                "csrf": CSRF,
            }
        )

    results = {name: [] for name in [*pages, "Form save POST"]}
    for rep in range(reps):
        baseline = None
        for name, (path, session) in pages.items():
            result = wrk(server, path, session=session, seconds=seconds)
            baseline = baseline or result["rps"]
            result["ratio"] = result["rps"] / baseline
            results[name].append(result)
        # Each thread drives its own connection and forms, so a revision is always the form's current one.
        write_script()
        result = wrk(server, "/", seconds=seconds, threads=2, connections=2, script=str(script))
        result["ratio"] = result["rps"] / baseline
        results["Form save POST"].append(result)
        print(f"repetition {rep + 1}/{reps}: healthz {baseline:.0f} req/s", flush=True)
    return results


def summarise(samples):
    def med(key):
        values = [s[key] for s in samples]
        return statistics.median(values), min(values), max(values)

    keys = ("rps", "50", "90", "99", "ratio", "gunicorn_ms", "postgres_ms")
    return {key: med(key) for key in keys} | {"errors": sum(s["errors"] for s in samples)}


def print_timing(server, info, at_once=10):
    """Server time of one print (no load) and p95 latency with ten prints at once."""
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


def extract_timing(url, info):
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
        out = sh([PY, "-c", runner], cwd=ROOT, env=django_env(url, CLD_LA_CODE="384")).stdout
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
    name = urllib.parse.urlparse(url).path.lstrip("/")
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


def mixed_load(server, info, rate=100, seconds=30, workers=64):
    """Open-loop load at a fixed rate: each request is sent at its scheduled time and timed from then."""
    import http.client

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


def report(path, args, info, seed_seconds, results, printing, extract, mixed):
    lines = [
        f"# Benchmark {datetime.date.today():%Y-%m-%d}",
        "",
        "## Environment",
        f"- {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        f"- {sh(['psql', '--version']).stdout.strip()}; wrk from Debian ({shutil.which('wrk')})",
        "- gunicorn, 2 sync workers, persistent database connections (DB_CONN_MAX_AGE=600), DEBUG off",
        f"- wrk: 2 threads, 4 connections, {args.seconds} s per page, {args.reps} interleaved repetitions; "
        "the form save uses 2 connections, each saving its own forms with their current revision",
        "",
        "## Data",
        f"- {info['forms']:,} forms ({info['status_mix']}), {info['people']:,} people and cases, "
        f"{info['practitioners']} practitioners, {info['managers']} managers; "
        f"the largest client holds {info['hot_forms']:,} forms",
        f"- seeded with `bench/seed.py --scale {args.scale}`{f' --forms {args.forms}' if args.forms else ''} "
        + (f"in {seed_seconds:.0f} s (PostgreSQL COPY)" if seed_seconds else "by an earlier run (kept between runs)"),
        "",
        "## Pages (medians of the repetitions, min–max in brackets)",
        "",
        "CPU per request: the CPU time gunicorn's processes (the app) and PostgreSQL's used during the page's runs,",
        "divided by its requests. Two cores serve at most 2,000 ms of CPU a second between them and wrk.",
        "",
        "| page | req/s | ratio to /healthz | target | p50 ms | p90 ms | p99 ms | errors | CPU ms: app "
        "| CPU ms: PostgreSQL |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, samples in results.items():
        s = summarise(samples)
        target = TARGETS.get(name)
        verdict = "" if target is None else (f"≥ {target} {'✅' if s['ratio'][0] >= target else '❌'}")
        lines.append(
            f"| {name} | {s['rps'][0]:.0f} ({s['rps'][1]:.0f}–{s['rps'][2]:.0f}) | {s['ratio'][0]:.3f} "
            f"({s['ratio'][1]:.3f}–{s['ratio'][2]:.3f}) | {verdict} | {s['50'][0]:.1f} | {s['90'][0]:.1f} | "
            f"{s['99'][0]:.1f} | {s['errors']} | {s['gunicorn_ms'][0]:.2f} | {s['postgres_ms'][0]:.2f} |"
        )
    deep, first = summarise(results["Sign-off list, page 1,000"]), summarise(results["Sign-off list, first page"])
    lines += [
        "",
        f"Sign-off list page 1,000 against page 1: {first['50'][0] and deep['50'][0] / first['50'][0]:.2f}× the median "
        "latency (target ≤ 1.5×; keyset pagination, its total from the tallies).",
        "",
        "## Print to Word (50 questions + CLD block)",
        f"- one print at a time: median {printing['single_median']:.0f} ms per request (target ≤ 150 ms server time)",
        f"- {printing['concurrent']} prints at once ({printing['samples']} prints): "
        f"p95 {printing['p95_concurrent']:.0f} ms "
        "(target ≤ 1 s)",
        "",
        "## CLD extract of every event",
        f"- {extract['rows']:,} rows in {extract['seconds']:.1f} s; `psql \\copy` of the same rows to /dev/null "
        f"{extract['copy_seconds']:.1f} s: {extract['ratio']:.1f}× (target ≤ 3×); memory growth "
        f"{extract['growth_mb']:.0f} MB (target < 50 MB)",
        f"- With every row checked and the data-quality report written beside it (the command's default): "
        f"{extract['full_seconds']:.1f} s, memory growth {extract['full_growth_mb']:.0f} MB",
        "",
        f"## Mixed load at a fixed {mixed['rate']} req/s for {mixed['requests'] // mixed['rate']} s",
        "- 40% My Forms, 20% case pages, 20% form GET, 10% form save POST, 10% dashboards; open loop (each request is "
        "sent at its scheduled time and timed from then, so a slow server cannot hide its queue)",
        f"- {mixed['requests']:,} requests: p50 {mixed['p50']:.0f} ms, p95 {mixed['p95']:.0f} ms (target ≤ 300), "
        f"p99 {mixed['p99']:.0f} ms (target ≤ 1,000), {mixed['errors']} errors (target 0)",
    ]
    path.write_text("\n".join(lines) + "\n")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 forms; 3 = 3,000,000")
    parser.add_argument("--forms", type=int, help="exact number of forms instead (a quick run)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page and repetition")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--database", default=None, help="database name (default: caredirector_bench_<forms>)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    forms = args.forms or int(1_000_000 * args.scale)
    url = database_url(args.database or f"caredirector_bench_{forms}")
    info, seed_seconds = prepare(url, args.scale, args.forms)
    static_root = Path(tempfile.mkdtemp())
    server = Gunicorn(url, static_root)
    try:
        results = measure(server, info, args.seconds, args.reps, urllib.parse.urlparse(url).path.lstrip("/"))
        printing = print_timing(server, info)
        mixed = mixed_load(server, info)
    finally:
        server.stop()
    extract = extract_timing(url, info)
    out = ROOT / "bench" / "results" / f"{datetime.date.today():%Y-%m-%d}.md"
    out.parent.mkdir(exist_ok=True)
    number = 2
    while out.exists():  # keep earlier reports of the same day: they are the "before" of this one
        out = out.with_name(f"{datetime.date.today():%Y-%m-%d}-{number}.md")
        number += 1
    print(report(out, args, info, seed_seconds, results, printing, extract, mixed))
    print(f"\nReport written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
