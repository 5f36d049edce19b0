"""Circle Assistant: a local, consent-first helper for Peer Mentoring Circles."""

__version__ = "0.1.0"
