"""The console channel (:mod:`adapters.console.channel`): `mynumber-bot chat` in a terminal or
a pipe, and the plainest replay of transcripts, straight into the turn runner."""
