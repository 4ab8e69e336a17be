"""The Birmingham and Solihull ICS assistant: knowledge base, safety, channels and launcher."""
