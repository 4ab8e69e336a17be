"""Authoring: tools for ICS staff to add to the knowledge base without writing YAML by hand.

``python -m assistant kb new`` (``cli.py``) asks for a new question and writes it with
``new_question.py``, which checks it first and keeps the existing files as they are.
"""
