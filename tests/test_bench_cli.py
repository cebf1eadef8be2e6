"""The cli step (bench/cli_runs.py): every command runs as a whole `xhht` process beside the first
version's, checked out of the history into a temporary worktree that is gone afterwards; where
that history is missing the first version's figure is "–". Correctness only: the timings are
the benchmark's to print."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bench.cli_runs import FIRST, FIRST_IMPORT, ROOT, bench_cli, first_version, has_commit


def _worktrees() -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True, check=True
    ).stdout


def test_each_command_beside_the_first_version(tmp_path: Path) -> None:
    before = _worktrees()
    rows = list(bench_cli(tmp_path, runs=1))
    assert [r[0] for r in rows] == [
        "cli: xhht progress (Quảng Ngãi, 2025)",
        "cli: xhht localities find “dak long”",
        "cli: xhht recognitions list (Quảng Ngãi)",
        "cli: xhht export pptx (Quảng Ngãi)",
        "cli: xhht demo",
        "cli: xhht import (10.000 dòng)",
    ]
    history = has_commit(FIRST) and has_commit(FIRST_IMPORT)
    for step, figure, budget, verdict in rows:
        assert figure.endswith(")") and " ms (bản đầu " in figure, figure
        # recognitions list and the deck did not exist in the first version.
        first_missing = not history or "recognitions" in step or "export" in step
        assert figure.endswith("bản đầu –)") == first_missing, (step, figure)
        if "import" in step:
            assert budget == "< 3.000 ms" and isinstance(verdict, bool)  # printed as đạt or VƯỢT
        elif "export" in step:
            assert budget == "< 5.000 ms" and isinstance(verdict, bool)  # printed as đạt or VƯỢT
        elif first_missing:
            assert (budget, verdict) == ("–", None)
        else:
            assert budget == "≤ bản đầu" and isinstance(verdict, bool)  # printed as đạt or VƯỢT
    # The first version's trees are removed with the step.
    assert _worktrees() == before
    assert not [p for p in (tmp_path / "cli").iterdir() if p.is_dir()]
    # The deck the step timed is a real deck of the province.
    from pptx import Presentation

    deck = Presentation(str(tmp_path / "cli" / "deck.pptx"))
    assert len(deck.slides) == 19


def test_without_the_history_there_is_no_first_version(tmp_path: Path) -> None:
    with first_version("0" * 40, tmp_path) as version:
        assert version is None
