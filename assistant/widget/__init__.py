"""The web widget: its assets and settings, served by the Rasa server, and its demo page.

``static/`` holds the widget's one script and one stylesheet; ``channel.py`` serves them (and the
socket.io client installed from npm) at ``/widget/``; ``origins.py`` reads which sites may embed
it; ``settings.py`` builds the languages and labels the script is served with; ``demo_site.py``
serves a partner's demo page from another origin.
"""
