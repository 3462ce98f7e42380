"""Rasa custom actions, one module per conversation topic. Texts go through the NLG server."""
