"""What every benchmark script shares: timing commands in fresh processes, taking turns."""

import statistics
import subprocess
import time

RUNS = 5


def measure(commands):
    """Median seconds and largest peak RSS (MB) of each command, as {name: (seconds, MB)}.

    `commands` maps a name to an argument list, or to (argument list, before) where `before`
    runs untimed ahead of each run (e.g. to remove an output). The commands take turns: each of
    RUNS rounds runs every command once, in the order given, so a machine that slows down or
    speeds up during the measurement shifts every command alike and the ratios stay fair.
    Seconds are wall time from this process's clock (not /usr/bin/time's 10 ms steps); peak
    RSS is /usr/bin/time's. Exit code 2 (some inputs failed) still counts."""
    times = {name: [] for name in commands}
    peaks = {name: 0.0 for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            argv, before = command if isinstance(command, tuple) else (command, None)
            if before:
                before()
            seconds, peak = run_once(argv)
            times[name].append(seconds)
            peaks[name] = max(peaks[name], peak)
    return {name: (statistics.median(times[name]), peaks[name]) for name in commands}


def run_once(argv):
    """Wall seconds and peak RSS (MB) of one run of `argv`, its output discarded."""
    # The peak RSS comes from /usr/bin/time: a child forked from this (large) process would
    # report this process's size as its own peak.
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 2):
        raise SystemExit(f"{argv}: exit code {done.returncode}: {done.stderr}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024
