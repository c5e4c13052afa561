"""Understanding a question: the drugs, conditions and intent it names."""
