"""Checks to run before anything goes live (``python -m assistant validate``, ``make validate``).

They read the files that people edit (the knowledge base, NLU examples, rules, domain, messages
and translations) and name the file and line of each problem, in plain words, with what to do.
"""

from assistant.checks.problem import Problem
from assistant.checks.run import run_checks

__all__ = ["Problem", "run_checks"]
