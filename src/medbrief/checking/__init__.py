"""Claim checking: read an article, split it into claims about drugs, and give each claim a
verdict (supported, contradicted, unsupported, out of scope) with the stored evidence that
decides it, cited as answers cite it. See docs/claim-check.md."""

from medbrief.checking.checker import Checker
from medbrief.checking.report import CheckReport

__all__ = ["CheckReport", "Checker"]
