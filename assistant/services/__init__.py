"""Use cases: wiring the parts, the meeting session, the one processing flow, resume.

No Textual and no argparse here (import-linter holds it); the CLI and the TUI call in.
"""
