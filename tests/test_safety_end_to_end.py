"""Emergencies through the real server in languages with no pack: 999 first, in that language."""

import pytest

from assistant.translation.bidi import without_isolates
from assistant.translation.curated import curated

pytestmark = pytest.mark.server


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mon père a une douleur à la poitrine", "fr"),
        ("je veux me faire du mal", "fr"),
        ("Göğsümde çok kötü bir ağrı var ve nefes alamıyorum", "tr"),
        ("mi padre tiene dolor en el pecho", "es"),
        ("زما پلار د سینې درد لري", "ps"),
    ],
)
def test_an_emergency_with_no_pack_gets_999_first_in_its_language(ask, text, code):
    reply = ask(text)
    first = reply[0]
    assert first["metadata"]["language"] == code
    assert first["metadata"]["translation"] == "curated"
    assert first["text"].index("999") < first["text"].index("111")
    texts = {r.text for r in curated(code).responses.values()}
    assert without_isolates(first["text"]) in texts
