"""Custom parts of the Rasa pipeline (config.yml); they run in the Rasa environment."""
