"""medbrief: tiered, cited answers to clinical questions from the evidence."""

__version__ = "0.1.0"
