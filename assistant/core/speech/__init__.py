"""Speech to text: shared types, faster-whisper, openai-whisper, checkpoint conversion, live."""
