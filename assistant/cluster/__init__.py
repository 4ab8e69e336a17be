"""Several Rasa servers sharing PostgreSQL and Redis behind nginx (``make cluster``).

``services`` runs PostgreSQL, Redis and nginx from Debian's packages with their files in
``var/cluster``; ``nginx`` writes the balancer's configuration; ``cluster`` starts and stops it
all; ``cli`` is ``python -m assistant cluster``.
"""
