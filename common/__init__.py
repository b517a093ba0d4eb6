"""What every package of the bot shares and nothing else: the exception tree."""
