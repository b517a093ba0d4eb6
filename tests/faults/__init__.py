"""Fault tests: real failures (a database going away) injected under the real wiring."""
