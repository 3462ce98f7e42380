"""Helpers every layer may use: text keys, word normalising, the clock, phone numbers, settings."""
