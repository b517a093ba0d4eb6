"""The web chat channel: the widget on the contact page (see channel.py)."""
