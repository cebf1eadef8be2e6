"""Peak memory of importing files at and past the importer's limits (metrics/inputs/limits.py),
each in its own `xhht import` process: the kernel's record of its peak resident memory."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_measured(
    cmd: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 600
) -> tuple[int, str, str, float]:
    """Run a command: exit code, stdout, stderr and the process's peak resident memory (MB,
    getrusage ru_maxrss of that one child, from os.wait4)."""
    out_path, err_path = Path(os.devnull), Path(os.devnull)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="xhht-measured-") as tmp:
        out_path, err_path = Path(tmp) / "out", Path(tmp) / "err"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(
                list(cmd), cwd=cwd, env=dict(env or os.environ), stdout=out, stderr=err
            )
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            proc.returncode = os.waitstatus_to_exitcode(status)
        return (
            proc.returncode,
            out_path.read_text(encoding="utf-8"),
            err_path.read_text(encoding="utf-8"),
            usage.ru_maxrss / 1024,
        )
