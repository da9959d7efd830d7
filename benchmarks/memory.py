"""Peak memory of this process: ``VmHWM`` from /proc/self/status (a child's own peak, never its parent's)."""

from __future__ import annotations

import resource


def peak_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no /proc: the best there is
