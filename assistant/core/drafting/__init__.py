"""From what was said to contract drafts: attribution, commitments, grounding, LLM, report-back."""
