"""A process's memory as Linux reports it in /proc/<pid>/status (for the benchmark commands)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Memory:
    rss_mb: float
    hwm_mb: float  # the process's high-water mark since it started


def read_memory(pid: int) -> Memory | None:
    """VmRSS and VmHWM of a process from /proc, or None where there is no /proc entry."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    kb = {
        k: int(v.split()[0])
        for k, _, v in (line.partition(":") for line in text.splitlines())
        if k in ("VmRSS", "VmHWM")
    }
    if len(kb) < 2:
        return None
    return Memory(kb["VmRSS"] / 1024, kb["VmHWM"] / 1024)
