"""`mynumber-bot serve`: every channel, health and metrics in one ASGI app, for several workers.

Only :mod:`adapters.serve.command` is imported at start-up; it loads the rest when the command
runs.
"""
