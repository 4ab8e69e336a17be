"""Custom actions run by the rasa-sdk action server (``rasa run actions``).

They are thin: they look things up in ``assistant.knowledge`` and hold no resident-facing text.
"""
