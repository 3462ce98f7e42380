"""Wegwijs app service: channels, texts (NLG), knowledge and handoff around the Rasa server."""
