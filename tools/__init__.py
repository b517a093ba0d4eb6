"""Scripts that write the bot's data files from outside sources (run by hand)."""
