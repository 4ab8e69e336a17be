"""The text the featurizer and classifier read: the message with partner organisations' full names.

"what's bchc" means nothing to a sentence embedding or to character n-grams; "what's Birmingham
Community Healthcare NHS Foundation Trust" does. The organisation ruler sets this text on every
message (training examples too), so both sides of the classifier see names the same way.
"""

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

FEATURE_TEXT = "feature_text"


def feature_text(message: Message) -> str:
    """The message's text with organisation names written in full, else its text as sent."""
    return str(message.get(FEATURE_TEXT) or message.get(TEXT) or "")
