"""Audio in and out of files: capture sources, the chunk-writing recorder, decoding, chunk files."""
