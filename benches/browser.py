#!/usr/bin/env python3
"""Benchmark of the browser engine (a script, not a test): a generated site on loopback, scanned
by the static engine and by the browser engine in the same run; wall time for --tabs 1/2/4/8;
peak memory of the whole process tree (trackaudit + every Chromium process), sampled every 20 ms:
the sum of RSS (counts memory that Chromium's processes share once per process, so it
overstates) and the sum of PSS (shared pages split between the processes that share them).

Wall times come from runs without sampling, memory from one more run with it: reading every
process's smaps every 20 ms takes CPU the scan needs on a small machine (on 2 cores it made the
browser scans about a tenth slower).

Third parties fail fast, as in the anchors of issue 10 (Blacklight, the EDPS collector): every
third-party hostname is mapped to a closed loopback port, so a request to one is refused at once.

    python3 benches/browser.py [--binary PATH] [--pages 9] [--runs 3]

Without --binary, the release build is made once (cargo build --release) and used for every run.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

THIRD_PARTIES = """
<script async src="https://www.googletagmanager.com/gtm.js?id=GTM-BENCH1"></script>
<script async src="https://connect.facebook.net/en_US/fbevents.js"></script>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">
<img src="https://www.facebook.com/tr?id=1&ev=PageView" width="1" height="1" alt="">
"""


def generate_site(folder, pages):
    """A small school site: every page links every other, loads four third parties and some
    first-party images and a stylesheet."""
    with open(os.path.join(folder, "style.css"), "w") as f:
        f.write("body { font-family: sans-serif; }\n")
    for i in range(pages):
        name = "index.html" if i == 0 else f"page{i}.html"
        links = "\n".join(
            f'<li><a href="/{"" if j == 0 else f"page{j}.html"}">Page {j}</a></li>'
            for j in range(pages)
        )
        body = "\n".join(f"<p>Paragraph {k} of page {i}.</p>" for k in range(40))
        with open(os.path.join(folder, name), "w") as f:
            f.write(
                f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Page {i}</title><link rel="stylesheet" href="/style.css">{THIRD_PARTIES}</head>
<body><nav><ul>{links}</ul></nav><main>{body}</main>
<a href="/privacy.html">Privacy</a></body></html>"""
            )
    with open(os.path.join(folder, "privacy.html"), "w") as f:
        f.write("<!doctype html><title>Privacy</title><p>Privacy statement.</p>")


def tree_memory_kib(root_pid):
    """(sum of RSS, sum of PSS) over root_pid and all its descendants, in KiB."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    rss = pss = 0
    stack = [root_pid]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return rss, pss


def run(binary, folder, extra, sample):
    """One scan: (wall seconds, peak tree RSS in MiB, peak tree PSS in MiB, pages in the
    report); memory is 0 unless `sample`."""
    cmd = [binary, "scan", folder, "--format", "json", "-q", "--fail-on", "never"] + extra
    start = time.monotonic()
    out = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    if sample:
        while proc.poll() is None:
            rss, pss = tree_memory_kib(proc.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.02)
    else:
        proc.wait()
    wall = time.monotonic() - start
    out.seek(0)
    report = json.load(out)
    pages = len(report["sites"][0]["pages"])
    return wall, peak_rss / 1024, peak_pss / 1024, pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=None)
    parser.add_argument("--pages", type=int, default=9)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    binary = args.binary
    if binary is None:
        # Built once, then every run uses the same executable.
        subprocess.run(["cargo", "build", "--release", "--bin", "trackaudit"], check=True)
        binary = "target/release/trackaudit"
    folder = tempfile.mkdtemp(prefix="trackaudit-bench-")
    try:
        # Pages: the generated ones plus privacy.html.
        generate_site(folder, args.pages - 1)
        refuse = ["--browser-arg=--host-resolver-rules=MAP * 127.0.0.1:9, EXCLUDE 127.0.0.1"]
        print(f"binary {binary}, {args.pages} pages, median of {args.runs} runs")
        print(
            f"{'engine':<30}{'wall s':>8}{'s/page':>8}{'pages/s':>9}"
            f"{'peak RSS MiB':>14}{'peak PSS MiB':>14}"
        )
        browser = ["--engine", "chromium"] + refuse
        configs = [("static", []), ("chromium (default tabs)", browser)] + [
            (f"chromium --tabs {tabs}", browser + ["--tabs", str(tabs)]) for tabs in (1, 2, 4, 8)
        ]
        for label, extra in configs:
            walls = [run(binary, folder, extra, False) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in walls)
            _, rss, pss, pages = run(binary, folder, extra, True)
            print(
                f"{label:<30}{wall:>8.2f}{wall / pages:>8.3f}{pages / wall:>9.1f}"
                f"{rss:>14.0f}{pss:>14.0f}",
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
