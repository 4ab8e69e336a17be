"""The edge: Rasa input channels that clean what residents send and never fail them.

Named in ``credentials.yml`` by their module path. NLU, rules, actions and the knowledge base
behind them only ever see clean text.
"""
