"""Rasa's NLG-server hook: a response name and the tracker in, text and buttons out."""
