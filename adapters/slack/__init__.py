"""The Slack adapter: Bolt app, Block Kit rendering, staff channel, stand-in Web API, replay.

Only :mod:`adapters.slack.command` is light enough to import at start-up; it loads the rest
when `mynumber-bot slack` runs.
"""

from adapters.slack.command import add_slack_parser

__all__ = ["add_slack_parser"]
