"""The meeting itself: agenda, timekeeper state machine, consent ledger, turn timelines."""
