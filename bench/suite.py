#!/usr/bin/env python3
"""The benchmark suite of flux-lsp next to its peers (run it with bench/run.sh).

Installs pinned corpora and peers from npm under $CARGO_TARGET_DIR/bench (or
target/bench), builds flux-lsp and the tree-sitter floor (release), measures
  * edit -> diagnostics latency over LSP (../shared/bench/lsp_latency.py) on
    express's lib/application.js, jQuery's dist/jquery.js and TypeScript's
    lib/typescript.js, for flux-lsp, quick-lint-js and oxlint; peak RSS;
  * `--check` wall time, one thread and default, on the same file list
    (>= 10,000 JavaScript files of pinned npm packages) as oxlint and
    quick-lint-js; files/s, MB/s, CPU time, peak RSS;
  * the floor: tree-sitter's incremental reparse after the same edits, and
    its full-parse (and parse + walk) throughput on the same file list;
prints one table with ratios and appends it, dated, to BENCHMARKS.md.
Not a test: it asserts nothing about speed.
"""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
TARGET = os.path.realpath(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"))
WORK = os.path.join(TARGET, "bench")
HARNESS = os.environ.get("LSP_LATENCY") or os.path.join(ROOT, "..", "shared", "bench", "lsp_latency.py")

# Pinned corpora and peers. express 5.3.0 is the version issue 8 names.
FILES = [
    ("express@5.3.0", "lib/application.js"),
    ("jquery@4.0.0", "dist/jquery.js"),
    ("typescript@5.9.3", "lib/typescript.js"),
]
QLJS = "quick-lint-js@3.2.0"
OXLINT = "oxlint@1.94.0"
JS_EXT = (".js", ".mjs", ".cjs", ".jsx")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, check=True, **kw)


def load_harness():
    spec = importlib.util.spec_from_file_location("lsp_latency", HARNESS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- installs


def npm_file(spec, rel):
    """npm pack SPEC once, unpack it, return the path of REL inside it."""
    name, version = spec.rsplit("@", 1)
    folder = os.path.join(WORK, "corpus", "%s-%s" % (name, version))
    if not os.path.isdir(folder):
        os.makedirs(os.path.join(WORK, "corpus"), exist_ok=True)
        out = subprocess.run(["npm", "pack", "--silent", spec], cwd=os.path.join(WORK, "corpus"),
                             check=True, capture_output=True, text=True).stdout.split()[-1]
        tgz = os.path.join(WORK, "corpus", out)
        with tarfile.open(tgz) as t:
            t.extractall(folder + ".tmp", filter="data")
        os.rename(os.path.join(folder + ".tmp", "package"), folder)
        os.rmdir(folder + ".tmp")
        os.remove(tgz)
    path = os.path.join(folder, rel)
    if not os.path.isfile(path):
        sys.exit("%s has no %s" % (spec, rel))
    return path


def install_peers():
    tools = os.path.join(WORK, "tools")
    os.makedirs(tools, exist_ok=True)
    pkg = os.path.join(tools, "package.json")
    want = {"private": True, "dependencies": {s.rsplit("@", 1)[0]: s.rsplit("@", 1)[1] for s in (QLJS, OXLINT)}}
    have = json.load(open(pkg)) if os.path.exists(pkg) else None
    if have != want or not os.path.isdir(os.path.join(tools, "node_modules")):
        json.dump(want, open(pkg, "w"), indent=2)
        run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=tools)
    q = os.path.join(tools, "node_modules", "quick-lint-js")
    # The package's preinstall script copies the platform's binary to
    # quick-lint-js.exe; npm may skip install scripts, so fall back to the
    # binary it ships per platform.
    qljs = os.path.join(q, "quick-lint-js.exe")
    if not os.access(qljs, os.X_OK):
        arch = {"x86_64": "x64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
        qljs = os.path.join(q, "linux-%s" % arch, "bin", "quick-lint-js")
    oxlint = os.path.join(tools, "node_modules", ".bin", "oxlint")
    for exe in (qljs, oxlint):
        if not os.access(exe, os.X_OK):
            sys.exit("peer not installed: %s" % exe)
    return qljs, oxlint


def install_tree():
    """The CLI corpus: scripts/big-tree.sh (npm ci of bench/tree) -> file list."""
    tree = os.path.join(WORK, "tree")
    run([os.path.join(ROOT, "scripts", "big-tree.sh")], env=dict(os.environ, BIG_TREE_DIR=tree))
    with open(os.path.join(tree, "files.txt")) as f:
        files = [l.rstrip("\n") for l in f if l.strip()]
    # Relative to the tree: every tool gets the same short argv, in one process.
    rel = [os.path.relpath(p, tree) for p in files]
    size = sum(os.path.getsize(p) for p in files)
    return tree, rel, size


def build():
    run(["cargo", "build", "--release", "--quiet", "--bin", "flux-lsp"], cwd=ROOT)
    run(["cargo", "build", "--release", "--quiet", "-p", "flux_syntax", "--example", "floor"], cwd=ROOT)
    return (os.path.join(TARGET, "release", "flux-lsp"),
            os.path.join(TARGET, "release", "examples", "floor"))


# ---------------------------------------------------------------- measures


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def edit_sites(h, path, edits, seed=1):
    """The insertion points lsp_latency.py picks for PATH (its scanner, and a
    copy of its seeded choice: keep in step with the harness), as UTF-8 byte
    offsets with their letter."""
    import random
    text = open(path, encoding="utf-8", errors="replace").read()
    cands = h.find_candidates(text)
    if not cands:
        import re
        cands = [m.end() for m in re.finditer(r"[A-Za-z_$][A-Za-z0-9_$]+", text)]
    rng = random.Random(seed)
    npairs = (edits + 1) // 2
    if len(cands) <= npairs:
        picks = [cands[rng.randrange(len(cands))] for _ in range(npairs)]
    else:
        picks = []
        for s in range(npairs):
            lo = s * len(cands) // npairs
            hi = max(lo + 1, (s + 1) * len(cands) // npairs)
            picks.append(cands[rng.randrange(lo, hi)])
        rng.shuffle(picks)
    letters = "etaoinsrhl"
    out = []
    for i, off in enumerate(picks):
        out.append("%d %s" % (len(text[:off].encode("utf-8")), letters[i % len(letters)]))
    return "\n".join(out) + "\n"


def lsp_run(server, path, edits, budget, out):
    cmd = [sys.executable, HARNESS, "--server", server, "--file", path, "--edits", str(edits),
           "--requests", "0", "--json", "--max-seconds", str(budget), "--edit-timeout", str(min(budget, 300)),
           "--open-timeout", str(min(budget, 300)), "--stderr-log", out + ".stderr"]
    log("$ lsp_latency.py --server '%s' --file %s --edits %d" % (server, os.path.basename(path), edits))
    p = subprocess.run(cmd, capture_output=True, text=True)
    with open(out, "w") as f:
        f.write(p.stdout)
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        return {"errors": ["harness exit %d: %s" % (p.returncode, p.stderr.strip()[-300:])]}
    if p.returncode != 0 and not rep.get("errors"):
        rep.setdefault("errors", []).append("harness exit %d" % p.returncode)
    return rep


def lsp_summary(reps):
    """Medians over runs of each run's percentiles."""
    s = {}
    for key in ("p50", "p90", "p99"):
        s[key] = median([(r.get("edit_to_diagnostics_ms") or {}).get(key) for r in reps])
    s["open"] = median([r.get("open_to_first_diagnostics_ms") for r in reps])
    s["rss_mib"] = median([(r.get("resources") or {}).get("peak_rss_total_kb", 0) / 1024.0 or None for r in reps])
    s["n"] = sum((r.get("edit_to_diagnostics_ms") or {}).get("n", 0) for r in reps)
    s["runs"] = len(reps)
    s["timeouts"] = sum(r.get("edit_timeouts") or 0 for r in reps)
    s["errors"] = sorted({e for r in reps for e in r.get("errors", [])})
    return s


def timed(cmd, cwd, env=None, out=None):
    """Wall time, CPU time and peak RSS (ru_maxrss of the process tree's
    largest member, via wait4) of one run."""
    t0 = time.perf_counter()
    with open(out or os.devnull, "w") as sink:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mib": ru.ru_maxrss / 1024.0, "exit": p.returncode}


def cli_measure(name, cmd, cwd, runs, env=None, ok=(0, 1)):
    results = []
    for i in range(runs):
        out = os.path.join(WORK, "results", "cli-%s-%d.txt" % (name.replace(" ", "_"), i))
        log("$ [%s] %s ... (%d args)" % (name, " ".join(cmd[:3]), len(cmd)))
        r = timed(cmd, cwd, env, out)
        log("  %.2f s wall, %.2f s CPU, %.0f MiB, exit %d" % (r["wall"], r["cpu"], r["rss_mib"], r["exit"]))
        if r["exit"] not in ok:
            with open(out, errors="replace") as f:
                r["error"] = "exit %d: %s" % (r["exit"], f.read()[-300:].strip())
        results.append(r)
    return {
        "wall": median([r["wall"] for r in results]),
        "cpu": median([r["cpu"] for r in results]),
        "rss_mib": median([r["rss_mib"] for r in results]),
        "runs": runs,
        "walls": [round(r["wall"], 2) for r in results],
        "errors": sorted({r["error"] for r in results if "error" in r}),
        "out": os.path.join(WORK, "results", "cli-%s-0.txt" % name.replace(" ", "_")),
    }


# ---------------------------------------------------------------- report


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    return "nproc %d, %s, %.1f GiB RAM, %s" % (os.cpu_count(), cpu, mem / 1048576.0, platform.platform())


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def f(x, digits=1):
    if x is None:
        return "—"
    if x >= 100:
        return "{:,.0f}".format(x)
    return "%.*f" % (digits, x)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    return ("%.0f×" % r) if r >= 100 else ("%.1f×" % r) if r >= 10 else ("%.2f×" % r)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="repetitions of each measure (default 3)")
    ap.add_argument("--edits", type=int, default=200, help="edits per LSP run on the small files (default 200)")
    ap.add_argument("--big-edits", type=int, default=4, help="edits per LSP run on typescript.js (default 4)")
    ap.add_argument("--big-runs", type=int, default=1, help="LSP runs on typescript.js (default 1)")
    ap.add_argument("--budget", type=int, default=300, help="seconds per LSP session at most (default 300)")
    ap.add_argument("--big-budget", type=int, default=900,
                    help="seconds per LSP session on typescript.js at most (default 900)")
    ap.add_argument("--skip", action="append", default=[], choices=["lsp", "cli"], help="leave a part out")
    ap.add_argument("--no-write", action="store_true", help="do not append to BENCHMARKS.md")
    ap.add_argument("--no-build", action="store_true", help="use the release binaries as they are")
    ap.add_argument("--files", type=int, default=len(FILES), help="LSP on the first N files only (trials)")
    ap.add_argument("--tree-limit", type=int, help="CLI on the first N files of the tree only (trials)")
    a = ap.parse_args()
    if not os.path.isfile(HARNESS):
        sys.exit("no harness at %s (set LSP_LATENCY)" % HARNESS)
    h = load_harness()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = loadavg()
    os.makedirs(os.path.join(WORK, "results"), exist_ok=True)

    if a.no_build:
        flux, floor = os.path.join(TARGET, "release", "flux-lsp"), os.path.join(TARGET, "release", "examples", "floor")
    else:
        flux, floor = build()
    files = [npm_file(spec, rel) for spec, rel in FILES[:a.files]]
    qljs, oxlint = install_peers()
    tree, tree_files, tree_bytes = install_tree()
    if a.tree_limit:
        tree_files = tree_files[:a.tree_limit]
        tree_bytes = sum(os.path.getsize(os.path.join(tree, p)) for p in tree_files)
    version = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    versions = "flux-lsp %s (commit %s%s), quick-lint-js %s, oxlint %s" % (
        version([flux, "--version"]).split()[-1], commit, ", uncommitted changes" if dirty else "",
        version([qljs, "--version"]).split()[-1], version([oxlint, "--version"]).split()[-1])
    log(versions)
    servers = [("flux-lsp", flux), ("quick-lint-js", qljs + " --lsp-server"), ("oxlint", oxlint + " --lsp")]

    lines = []
    out = lines.append

    # ---- LSP latency and the reparse floor
    lsp_rows = []
    if "lsp" not in a.skip:
        for (spec, rel), path in zip(FILES, files):
            big = os.path.getsize(path) > 4 << 20
            edits, runs, budget = (a.big_edits, a.big_runs, a.big_budget) if big else (a.edits, a.runs, a.budget)
            sites = os.path.join(WORK, "results", "edits-%s.txt" % os.path.basename(path))
            with open(sites, "w") as fh:
                fh.write(edit_sites(h, path, edits))
            fl = []
            for _ in range(runs):
                p = subprocess.run([floor, "edits", path, sites], capture_output=True, text=True, check=True)
                fl.append(json.loads(p.stdout))
            floor_row = {
                "p50": median([h.pct(r["reparse_ms"], 50) for r in fl]),
                "p90": median([h.pct(r["reparse_ms"], 90) for r in fl]),
                "p99": median([h.pct(r["reparse_ms"], 99) for r in fl]),
                "open": median([median(r["full_parse_ms"]) for r in fl]),
                "n": sum(len(r["reparse_ms"]) for r in fl), "runs": runs, "rss_mib": None,
                "timeouts": 0, "errors": [],
            }
            rows = []
            for name, cmd in servers:
                reps = [lsp_run(cmd, path, edits, budget,
                                os.path.join(WORK, "results", "lsp-%s-%s-%d.json" % (name, os.path.basename(path), i)))
                        for i in range(runs)]
                rows.append((name, lsp_summary(reps)))
            rows.append(("tree-sitter reparse (floor)", floor_row))
            lines_n = sum(1 for _ in open(path, encoding="utf-8", errors="replace"))
            label = "%s `%s` (%s lines, %s)" % (spec, rel, "{:,}".format(lines_n),
                                                 "%.1f MB" % (os.path.getsize(path) / 1e6) if big else
                                                 "%.0f KB" % (os.path.getsize(path) / 1e3))
            lsp_rows.append((label, rows, edits, runs))

    # ---- CLI on the tree
    cli_rows = []
    if "cli" not in a.skip:
        n, mb = len(tree_files), tree_bytes / 1e6
        one = dict(os.environ, RAYON_NUM_THREADS="1")
        measures = [
            ("flux-lsp", "default (%d threads)" % os.cpu_count(),
             [flux, "--format", "json", "--output", os.devnull, "--check"] + tree_files, None),
            ("flux-lsp", "1 thread", [flux, "--format", "json", "--output", os.devnull, "--check"] + tree_files, one),
            ("oxlint", "default", [oxlint] + tree_files, None),
            ("oxlint", "1 thread", [oxlint, "--threads", "1"] + tree_files, None),
            ("quick-lint-js", "1 thread (its only mode)", [qljs] + tree_files, None),
        ]
        for tool, mode, cmd, env in measures:
            cli_rows.append((tool, mode, cli_measure("%s %s" % (tool, mode.split(" (")[0]), cmd, tree, a.runs, env)))
        lst = os.path.join(WORK, "results", "tree-files.txt")
        with open(lst, "w") as fh:
            fh.write("\n".join(os.path.join(tree, p) for p in tree_files) + "\n")
        fl = []
        for _ in range(a.runs):
            p = subprocess.run([floor, "parse", lst], capture_output=True, text=True, check=True)
            fl.append(json.loads(p.stdout))
        cli_rows.append(("tree-sitter", "parse, 1 thread (floor)",
                         {"wall": median([r["parse_s"] for r in fl]), "cpu": median([r["parse_cpu_s"] for r in fl]),
                          "rss_mib": None,
                          "runs": a.runs, "errors": []}))
        cli_rows.append(("tree-sitter", "parse + walk, 1 thread (floor)",
                         {"wall": median([r["parse_walk_s"] for r in fl]),
                          "cpu": median([r["parse_walk_cpu_s"] for r in fl]), "rss_mib": None,
                          "runs": a.runs, "errors": []}))

    finished = datetime.datetime.now(datetime.timezone.utc)
    out("## %s UTC — `bench/run.sh`" % started.strftime("%Y-%m-%d %H:%M"))
    out("")
    out("Machine: %s. Load average %s at the start, %s at the end (`/proc/loadavg`); run took %.0f min." % (
        machine(), load_start, loadavg(), (finished - started).total_seconds() / 60))
    out("Versions: %s." % versions)
    out("")
    notes = []
    if lsp_rows:
        out("### Edit → diagnostics over LSP (`lsp_latency.py`, push diagnostics, single-character edits in function bodies)")
        out("")
        out("Per row: median over runs of each run's percentile. \"flux ÷ row\": flux-lsp's figure divided by "
            "the row's (p50; peak RSS). The floor row is tree-sitter alone reparsing the same edits "
            "incrementally (its \"open\" is one full parse).")
        out("")
        out("| file | server | runs × edits | open → diag (ms) | p50 (ms) | p90 (ms) | p99 (ms) | peak RSS (MiB) "
            "| flux ÷ row, p50 | flux ÷ row, RSS |")
        out("|---|---|---|---|---|---|---|---|---|---|")
        for label, rows, edits, runs in lsp_rows:
            fx = rows[0][1]
            for name, s in rows:
                is_flux = name == "flux-lsp"
                out("| %s | %s | %d × %d | %s | %s | %s | %s | %s | %s | %s |" % (
                    label, name, s["runs"], s["n"] // max(s["runs"], 1), f(s["open"]), f(s["p50"], 2),
                    f(s["p90"], 2), f(s["p99"], 2), f(s["rss_mib"]),
                    "" if is_flux else ratio(fx["p50"], s["p50"]),
                    "" if is_flux or s["rss_mib"] is None else ratio(fx["rss_mib"], s["rss_mib"])))
                if s["timeouts"] or s["errors"]:
                    notes.append("%s on %s: %d timeouts; %s" % (name, label, s["timeouts"], "; ".join(s["errors"])))
                label = ""
        out("")
    if cli_rows:
        out("### `--check` on %s JavaScript files (%.1f MB) of pinned npm packages (`bench/tree/package-lock.json`)" % (
            "{:,}".format(len(tree_files)), tree_bytes / 1e6))
        out("")
        out("Same file list, one process each (paths on the command line). Wall time: median of %d runs; "
            "CPU = user + system; peak RSS = `ru_maxrss`. flux-lsp's one-thread run sets `RAYON_NUM_THREADS=1` "
            "(it has no jobs flag). \"flux ÷ row\": flux-lsp's wall time in the same mode (one thread against "
            "one thread, default against default) divided by the row's. The tree-sitter rows time the parser "
            "inside one process, files already in memory (CPU from `/proc/self/stat`, 10 ms ticks). On a shared "
            "machine CPU time varies less than wall time." % a.runs)
        out("")
        out("| tool | mode | wall (s) | files/s | MB/s | CPU (s) | peak RSS (MiB) | flux ÷ row, wall | flux ÷ row, CPU |")
        out("|---|---|---|---|---|---|---|---|---|")
        flux_by_mode = {}
        for tool, mode, r in cli_rows:
            if tool == "flux-lsp":
                flux_by_mode["default" if mode.startswith("default") else "1"] = r
        for tool, mode, r in cli_rows:
            single = "1 thread" in mode
            ref = flux_by_mode.get("1" if single else "default") or {}
            out("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                tool, mode, f(r["wall"], 2), f(len(tree_files) / r["wall"] if r["wall"] else None, 0),
                f(tree_bytes / 1e6 / r["wall"] if r["wall"] else None, 1), f(r["cpu"], 2), f(r["rss_mib"]),
                "" if tool == "flux-lsp" else ratio(ref.get("wall"), r["wall"]),
                "" if tool == "flux-lsp" else ratio(ref.get("cpu"), r["cpu"])))
            if r["errors"]:
                notes.append("%s %s: %s" % (tool, mode, "; ".join(r["errors"])))
            if tool == "oxlint" and r.get("out") and os.path.exists(r["out"]):
                import re
                m = re.search(r"on (\d+) files", open(r["out"], errors="replace").read())
                if m and int(m.group(1)) != len(tree_files):
                    notes.append("oxlint %s linted %s of the %s files (it skips some paths it is given, e.g. "
                                 "minified `*.min.js`)." % (mode, "{:,}".format(int(m.group(1))),
                                                            "{:,}".format(len(tree_files))))
        out("")
    if lsp_rows and any(e != a.edits for _, _, e, _ in lsp_rows):
        notes.append("typescript.js: %d run(s) of %d edits (not %d × %d), so its p90/p99 are little more than "
                     "the maximum: on a 9 MB file one edit can take a minute, and the suite should finish in "
                     "reasonable time." % (
                         a.big_runs, a.big_edits, a.runs, a.edits))
    if notes:
        out("Notes:")
        out("")
        for n_ in notes:
            out("- " + n_)
        out("")
    report = "\n".join(lines)
    print(report)
    stamp = started.strftime("%Y%m%dT%H%MZ")
    with open(os.path.join(WORK, "results", "report-%s.md" % stamp), "w") as fh:
        fh.write(report)
    if not a.no_write:
        with open(os.path.join(ROOT, "BENCHMARKS.md"), "a") as fh:
            fh.write("\n" + report)
        log("appended to BENCHMARKS.md")


if __name__ == "__main__":
    main()
