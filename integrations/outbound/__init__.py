"""Notifications out: Slack messages for the incident flow, Jira issues for action items."""
