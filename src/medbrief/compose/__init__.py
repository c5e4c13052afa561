"""Composition: bottom line, tiered sections, safety, citations, verification."""
