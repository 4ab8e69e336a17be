"""Birmingham and Solihull's GP practices and PCNs, imported from NHS England and ODS open data.

``importer`` reads and checks the published files, ``store`` writes and reads the project's
directory data (``data/directory/``, committed; the postcode lookup in ``var/directory/``, built
by ``make directory``), ``cli`` is ``python -m assistant directory import``.
"""
