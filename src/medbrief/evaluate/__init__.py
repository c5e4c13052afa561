"""Evaluation on real question sets (MedicationQA, PubMedQA): ``medbrief eval ...``."""
