"""`xhht`: the command-line face of the core — the table of commands and `main`.

Exit codes for every command: 0 success, 1 input refused (with the reason), 2 usage error.
Each command module has a `register(subparsers)`; COMMANDS lists them in the order `--help` shows.
A command module imports at its top only what every command's parser needs (argparse, the
shared options): the libraries a command works with (polars, pydantic, plotly, openpyxl…) are
imported inside the command's function, so `xhht progress` loads no chart or workbook code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from metrics.cli import (
    accounts,
    context,
    export,
    imports,
    localities,
    progress,
    recognitions,
    rounds,
    store,
    templates,
)
from metrics.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, Refused

__all__ = [
    "COMMANDS",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "Refused",
    "build_parser",
    "main",
    "run",
]

COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    store.register,  # init, demo, check, store copy/upgrade
    localities.register,  # localities find
    progress.register,  # progress
    context.register,  # context
    recognitions.register,  # recognitions list/expiring
    imports.register,  # import, history, rollback
    accounts.register,  # accounts add
    rounds.register,  # rounds open/status/approve/return/submit
    templates.register,  # template
    export.register,  # export
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xhht",
        description="Bảng theo dõi chỉ tiêu xây dựng xã hội học tập: kho dữ liệu, danh mục địa bàn, tiến độ.",
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", required=True)
    for register in COMMANDS:
        register(sub)
    return parser


# Commands that use neither pandas nor a library that needs it (plotly, streamlit): DuckDB
# imports pandas (~1 s) before binding any query parameter, only to recognise pandas objects
# among the parameters, and the core never passes one.
WITHOUT_PANDAS = frozenset(
    {
        "progress",
        "localities",
        "recognitions",
        "history",
        "import",
        "rollback",
        "init",
        "demo",
        "check",
    }
)


def run() -> int:
    """The `xhht` console script and `python -m metrics.cli`: main() in a process of its own,
    where a command in WITHOUT_PANDAS tells DuckDB that pandas is absent (it then skips the
    import; a library that did need pandas would say "import of pandas halted")."""
    argv = sys.argv[1:]
    if argv and argv[0] in WITHOUT_PANDAS and "pandas" not in sys.modules:
        sys.modules["pandas"] = None  # type: ignore[assignment]
    return main(argv)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Refused as exc:
        if getattr(args, "json", False):
            # --json callers read stdout: the refusal is a JSON object there too.
            print(
                json.dumps(
                    {
                        "status": "refused",
                        "problems": [
                            {"sheet": None, "row": None, "column": None, "message": str(exc)}
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        # `xhht … | head`: the reader left; not an error of ours.
        sys.stderr.close()
        return EXIT_OK
