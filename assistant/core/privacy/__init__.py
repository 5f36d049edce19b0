"""Keeping the circle's words in the circle: network guard, encryption, retention, erasure."""
