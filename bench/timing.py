"""What every benchmark script shares: timing a command in fresh processes."""

import statistics
import subprocess

RUNS = 3


def measure(command, before=None):
    """Median seconds and largest peak RSS (MB) over RUNS runs of `command` under
    /usr/bin/time; `before` runs ahead of each (e.g. to remove an output). Exit code 2 (some
    inputs failed) still counts as a run."""
    times, peaks = [], []
    for _ in range(RUNS):
        if before:
            before()
        done = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command,
                              capture_output=True, text=True)
        if done.returncode not in (0, 2):
            raise SystemExit(f"{command}: {done.stderr}")
        seconds, kilobytes = done.stderr.strip().splitlines()[-1].split()
        times.append(float(seconds))
        peaks.append(int(kilobytes) / 1024)
    return statistics.median(times), max(peaks)
