"""The web chat for tests and replays: served in a thread, read as a browser reads it."""
