"""Chat front ends: the Slack app and the web widget."""
