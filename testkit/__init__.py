"""What tests, replays and benchmarks drive the bot with: stand-in platforms on 127.0.0.1, a
replay driver per channel, the in-memory store and the transcript runner. Shipped with the bot
(`mynumber-bot replay --channel` uses them), never imported by its runtime code."""
