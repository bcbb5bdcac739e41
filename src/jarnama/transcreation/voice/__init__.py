"""Voice-over: Kazakh text normalised for speech, synthesised, and timed against the spot."""
