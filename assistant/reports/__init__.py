"""Reports on conversations, for the people who look after the assistant; never who asked.

- :mod:`~assistant.reports.tracker_events`: residents' messages and what answered them, read
  from Rasa's SQL tracker store (SQLite or PostgreSQL).
- :mod:`~assistant.reports.personal_data`: :func:`mask` hides emails, phone numbers, postcodes,
  NHS numbers, dates and names.
- :mod:`~assistant.reports.unanswered`: which messages went unanswered, grouped by similarity.
- :mod:`~assistant.reports.cli`: the ``python -m assistant report`` command.

Nothing is imported here, so importing the package costs nothing.
"""
