"""The only SQL: the store, its numbered migrations, and the meeting status."""
