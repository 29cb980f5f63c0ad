"""Slack: digest, /feedback, alerts and App Home against a local stand-in for the Web API."""
