"""The LINE channel (:mod:`adapters.line.channel`): line-bot-sdk translating between LINE's
webhook and Messaging API and the turn runner."""
