"""Where a benchmark's CPU went, from /proc (Linux): the benchmark's own processes, the local
PostgreSQL server's, and the time the hypervisor took from this VM (steal).

Throughput on this shared two-core VM drifts by ±25 % over an hour; CPU per transaction, split
by who spent it, drifts far less and says where a change saved. Elsewhere every figure is None.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Snapshot:
    children: float  # seconds of CPU of this process's waited-for children (the benchmark's own)
    server: float | None  # seconds of CPU of every PostgreSQL process, living or exited
    busy: float | None  # seconds the machine's cores were busy (steal excluded)
    steal: float | None  # seconds the hypervisor ran someone else on this VM's cores


def _postgres_seconds() -> float | None:
    """utime + stime of every process named postgres, plus the postmaster's exited children's
    (a backend exits when its client disconnects, and its CPU moves to the postmaster's cutime)."""
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # exited meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        if name != "postgres":
            continue
        fields = text[text.rindex(")") + 2 :].split()
        ppid, utime, stime, cutime, cstime = (int(fields[i]) for i in (1, 11, 12, 13, 14))
        found = True
        total += utime + stime
        if ppid == 1 or not _is_postgres(ppid):  # the postmaster: its exited backends too
            total += cutime + cstime
    return total / _TICK if found else None


def _is_postgres(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.index("(") + 1 : text.rindex(")")] == "postgres"


def _machine() -> tuple[float, float] | None:
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / _TICK, steal / _TICK


def snapshot() -> Snapshot:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = _machine()
    return Snapshot(
        children=usage.ru_utime + usage.ru_stime,
        server=_postgres_seconds(),
        busy=machine[0] if machine else None,
        steal=machine[1] if machine else None,
    )


def per_transaction(before: Snapshot, after: Snapshot, n: int, seconds: float) -> str:
    """One line: µs of CPU per transaction by whom, and how busy the cores were. (PostgreSQL's
    share is left out when it did nothing: the benchmark ran on SQLite.)"""
    cores = os.cpu_count() or 1
    parts = [f"benchmark processes {1e6 * (after.children - before.children) / n:,.0f} µs"]
    server = (after.server or 0) - (before.server or 0)
    if 1e6 * server / n >= 10:  # else idle: the benchmark ran on SQLite
        parts.append(f"PostgreSQL {1e6 * server / n:,.0f} µs")
    if before.busy is not None and after.busy is not None:
        parts.append(f"whole machine {1e6 * (after.busy - before.busy) / n:,.0f} µs")
        parts.append(
            f"cores {100 * (after.busy - before.busy) / (seconds * cores):.0f}% busy, "
            f"{100 * (after.steal - before.steal) / (seconds * cores):.0f}% stolen"  # type: ignore[operator]
        )
    return "CPU per transaction: " + ", ".join(parts)
