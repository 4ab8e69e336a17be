"""Translation: curated texts, and offline machine translation with Argos Translate packs.

- :mod:`~assistant.translation.argos_runtime`: the only module importing Argos Translate,
  configured to keep its files in the project, never use Stanza and never download.
- :mod:`~assistant.translation.packs`: install, list and remove ``.argosmodel`` packs.
- :mod:`~assistant.translation.machine`: :class:`MachineTranslator`, translation within a time
  budget, with a cache and pivoting through English.
- :mod:`~assistant.translation.cli`: the ``python -m assistant packs`` command.
- :mod:`~assistant.translation.curated` and :mod:`~assistant.translation.localiser`: the
  project's reviewed translations, and putting outgoing messages into the resident's language.

Nothing is imported here, so importing the package costs nothing.
"""
