"""Rasa NLU graph components of the assistant (named in config.yml by their module path)."""
