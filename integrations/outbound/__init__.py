"""Notifications out: chat messages for the incident flow (chat.py: Slack, Teams, Mattermost), the signed event
stream (event_stream.py), Jira issues for action items."""
