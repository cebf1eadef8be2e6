"""The largest signed report a commune may attach to its round report: one number for the check,
the form and the CLI's help (a module of its own, so `xhht`'s parser loads no reading code)."""

from __future__ import annotations

MAX_ATTACHMENT_MB = 10
MAX_ATTACHMENT_BYTES = MAX_ATTACHMENT_MB * 1024 * 1024
