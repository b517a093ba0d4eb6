"""The Slack channel (:mod:`adapters.slack.channel`): Bolt translating between Slack and the
turn runner, Block Kit rendering, and the staff's inbox in a channel. Importing this loads no
part of Slack's libraries."""
