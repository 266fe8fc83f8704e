"""The council-scale benchmark (`make bench`): seed PostgreSQL, serve with gunicorn, load it with wrk, write a report.

Every figure is also given as a ratio to /healthz requests per second measured in the same repetition, because
absolute numbers on a shared two-core machine are noise. With `--before DIR --before-database NAME` a second checkout
(the code before a change, with a copy of the database at its schema) is measured too, page by page in turns with this
one, so that one report holds both under the same conditions. Loopback only; every load is bounded in time.
"""

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from load import (
    PY,
    ROOT,
    Gunicorn,
    Side,
    database_url,
    django_env,
    extract_timing,
    measure,
    mixed_load,
    print_timing,
    queued_run_timing,
    sh,
    summarise,
)

TARGETS = {  # page: ratio target
    "My Forms (25 rows)": 0.10,
    "Forms to Sign-Off chart": 0.08,
    "Sign-off list, first page": 0.08,
    "Sign-off list, page 1,000": 0.08,
    "Forms to Sign-Off chart, a team's": 0.08,
    "Sign-off list, a team's first page": 0.08,
    "Case Record": 0.08,
    "Case Record, 1,200-form client": 0.08,
    "Forms (Case)": 0.08,
    "Forms (Case), 1,200-form client": 0.08,
    "Form edit GET (50 questions + CLD)": 0.05,
    "Form save POST": 0.03,
}


def seed(url, scale, forms):
    """Create and seed the database (once); return the seconds it took (None when an earlier run seeded it)."""
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
    return None if "already seeded" in seeded else time.monotonic() - started


def page_table(results):
    lines = [
        "| page | req/s | ratio to /healthz | target | p50 ms | p90 ms | p99 ms | errors | CPU ms: app "
        "| CPU ms: PostgreSQL |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, samples in results.items():
        if not samples:
            continue  # not a page of this side's code
        s = summarise(samples)
        target = TARGETS.get(name)
        verdict = "" if target is None else (f"≥ {target} {'✅' if s['ratio'][0] >= target else '❌'}")
        lines.append(
            f"| {name} | {s['rps'][0]:.0f} ({s['rps'][1]:.0f}–{s['rps'][2]:.0f}) | {s['ratio'][0]:.3f} "
            f"({s['ratio'][1]:.3f}–{s['ratio'][2]:.3f}) | {verdict} | {s['50'][0]:.1f} | {s['90'][0]:.1f} | "
            f"{s['99'][0]:.1f} | {s['errors']} | {s['gunicorn_ms'][0]:.2f} | {s['postgres_ms'][0]:.2f} |"
        )
    if "Sign-off list, page 1,000" not in results or "Sign-off list, first page" not in results:
        return lines  # --only left them out
    deep, first = summarise(results["Sign-off list, page 1,000"]), summarise(results["Sign-off list, first page"])
    lines += [
        "",
        f"Sign-off list page 1,000 against page 1: {first['50'][0] and deep['50'][0] / first['50'][0]:.2f}× the median "
        "latency (target ≤ 1.5×; keyset pagination, its total from the tallies).",
    ]
    return lines


def comparison(before, after):
    lines = [
        "| page | ratio before | ratio after | target | CPU ms before (app / PostgreSQL) | after |",
        "|---|---|---|---|---|---|",
    ]
    for name in after:
        a = summarise(after[name])
        target = TARGETS.get(name)
        verdict = "" if target is None else f"{target} {'✅' if a['ratio'][0] >= target else '❌'}"
        if before.get(name):
            b = summarise(before[name])
            was = (f"{b['ratio'][0]:.3f}", f"{b['gunicorn_ms'][0]:.2f} / {b['postgres_ms'][0]:.2f}")
        else:
            was = ("(new)", "–")
        lines.append(
            f"| {name} | {was[0]} | {a['ratio'][0]:.3f} | {verdict} | {was[1]} | {a['gunicorn_ms'][0]:.2f} / "
            f"{a['postgres_ms'][0]:.2f} |"
        )
    return lines


def extract_lines(extract):
    return [
        f"- {extract['rows']:,} rows in {extract['seconds']:.1f} s; `psql \\copy` of the same rows to /dev/null "
        f"{extract['copy_seconds']:.1f} s: {extract['ratio']:.1f}× (target ≤ 3×); memory growth "
        f"{extract['growth_mb']:.0f} MB (target < 50 MB)",
        f"- With every row checked and the data-quality report written beside it (the command's default): "
        f"{extract['full_seconds']:.1f} s, memory growth {extract['full_growth_mb']:.0f} MB",
    ]


def queued_lines(queued):
    return [
        "## A CLD extract run on the job queue (the page queues it, one procrastinate worker takes it)",
        f"- the CLD Extract page queued the run in {queued['queue_ms']:.0f} ms; the run ended {queued['state']} with "
        f"{queued['rows']:,} rows: {queued['run_seconds']:.1f} s in the worker "
        f"({queued['queued_to_done_seconds']:.1f} s from the request), every row checked and both files kept "
        f"(extract {queued['extract_mb']:.0f} MB, "
        f"data-quality report {queued['report_mb']:.0f} MB)",
        f"- while it ran, the CLD Extract page answered {queued['page_requests']} requests: p50 "
        f"{queued['page_p50']:.0f} ms, slowest {queued['page_max']:.0f} ms (target < 1 s); the run's page p50 "
        f"{queued['run_page_p50']:.0f} ms, slowest {queued['run_page_max']:.0f} ms; its progress p95 "
        f"{queued['progress_p95']:.0f} ms; {queued['errors']} errors",
    ]


def report(path, args, info, seed_seconds, results, printing, extracts, mixed):
    after = results["after"]
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
    ]
    if "before" in results:
        lines += [
            f"- before: `{args.before}` on `{args.before_database}`, a copy of the same database at that code's "
            "schema; its pages were measured in turns with this code's, page by page, in every repetition",
            "",
            "## Before and after (medians of the repetitions)",
            "",
            *comparison(results["before"], after),
        ]
    lines += [
        "",
        "## Pages (medians of the repetitions, min–max in brackets)",
        "",
        "CPU per request: the CPU time gunicorn's processes (the app) and PostgreSQL's used during the page's runs,",
        "divided by its requests. Two cores serve at most 2,000 ms of CPU a second between them and wrk.",
        "",
        *page_table(after),
        "",
        "## Print to Word (50 questions + CLD block)",
        f"- one print at a time: median {printing['single_median']:.0f} ms per request (target ≤ 150 ms server time)",
        f"- {printing['concurrent']} prints at once ({printing['samples']} prints): "
        f"p95 {printing['p95_concurrent']:.0f} ms (target ≤ 1 s)",
        "",
        "## CLD extract of every event",
        *extract_lines(extracts["after"]),
    ]
    if "before" in extracts:
        lines += ["", "Before:", *extract_lines(extracts["before"])]
    if extracts.get("queued"):
        lines += ["", *queued_lines(extracts["queued"])]
    lines += [
        "",
        f"## Mixed load at a fixed {mixed['rate']} req/s for {mixed['requests'] // mixed['rate']} s",
        "- 40% My Forms, 20% case pages, 20% form GET, 10% form save POST, 10% dashboards; open loop (each request is "
        "sent at its scheduled time and timed from then, so a slow server cannot hide its queue)",
        f"- {mixed['requests']:,} requests: p50 {mixed['p50']:.0f} ms, p95 {mixed['p95']:.0f} ms (target ≤ 300), "
        f"p99 {mixed['p99']:.0f} ms (target ≤ 1,000), {mixed['errors']} errors (target 0)",
    ]
    if "before" in results:
        lines += [
            "",
            "## Pages before (medians of the repetitions, min–max in brackets)",
            "",
            *page_table(results["before"]),
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
    parser.add_argument("--before", type=Path, help="a checkout of the code before, measured beside this one")
    parser.add_argument("--before-database", help="its database: a copy of this one at its schema")
    parser.add_argument("--pages-only", action="store_true", help="the pages alone: no print, mixed load or extract")
    parser.add_argument(
        "--only", help="with --pages-only: the pages to measure, by name, separated by semicolons (names hold commas)"
    )
    parser.add_argument("--run-only", action="store_true", help="a CLD extract run on the job queue alone")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    if bool(args.before) != bool(args.before_database):
        sys.exit("--before and --before-database go together")
    forms = args.forms or int(1_000_000 * args.scale)
    database = args.database or f"caredirector_bench_{forms}"
    seed_seconds = seed(database_url(database), args.scale, args.forms)
    sides = [Side("after", ROOT, database)]
    if args.before:
        sides.append(Side("before", args.before.resolve(), args.before_database))
    for port, side in enumerate(sides, start=8765):
        side.probe()
        side.server = Gunicorn(side, port)
    try:
        if args.run_only:
            print("\n".join(queued_lines(queued_run_timing(sides[0]))))
            return
        only = {name.strip() for name in args.only.split(";")} if args.only and args.pages_only else None
        results = measure(sides, args.seconds, args.reps, only)
        if not args.pages_only:
            printing = print_timing(sides[0])
            mixed = mixed_load(sides[0])
            queued = queued_run_timing(sides[0])
    finally:
        for side in sides:
            side.server.stop()
    if args.pages_only:
        for side in sides:
            print(f"\n## {side.name}\n" + "\n".join(page_table(results[side.name])))
        return
    extracts = {side.name: extract_timing(side) for side in sides}
    extracts["queued"] = queued
    out = ROOT / "bench" / "results" / f"{datetime.date.today():%Y-%m-%d}.md"
    out.parent.mkdir(exist_ok=True)
    number = 2
    while out.exists():  # keep earlier reports of the same day
        out = out.with_name(f"{datetime.date.today():%Y-%m-%d}-{number}.md")
        number += 1
    print(report(out, args, sides[0].info, seed_seconds, results, printing, extracts, mixed))
    print(f"\nReport written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
