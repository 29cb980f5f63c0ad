"""Slack: the weekly digest, the /feedback command, alerts and the App Home.

Every figure comes from feedback.results and is worded by feedback.presenting, so Slack says
what the dashboard says. The domain modules here (digest, commands, home, alerts, blocks,
mrkdwn, posting) build plain data; only app.py touches slack-bolt, and nothing is built at
import time: the service runs normally without Slack configured.
"""
