"""Keeping conversations: a tracker store that survives database trouble, and their retention.

``tracker_store`` is the Rasa tracker store named in ``endpoints.yml``; ``outcome`` tells the edge
when a resident's message could not be saved; ``retention`` deletes what is older than the
retention setting; ``cli`` adds ``python -m assistant purge``.
"""
