"""Slack for tests: a stand-in Web API (and Socket Mode server), the replay driver."""
