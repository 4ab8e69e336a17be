"""The web widget: its assets and settings, served by the Rasa server, and its demo page.

``src/`` holds the widget script's modules, which ``build.mjs`` (esbuild, ``make widget``) bundles
into ``static/widget.js`` (build output, not committed); ``static/`` also holds its stylesheet.
``channel.py`` serves them (and the socket.io client installed from npm) at ``/widget/``;
``config.py`` reads which sites may embed it; ``settings.py`` builds the languages, labels and
limits the script is served with; ``demo_site.py`` serves a partner's demo page from another
origin.
"""
