"""The Telegram front end's machinery beside bot.py: delivery, order and persistence."""
