"""With a translation pack installed: translate in → understand → translate out, on the real server.

The packs are built by the test (tests/argos_pack_builder.py: a copy model that swaps known
words), installed and removed with the real `python -m assistant packs` command.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import launcher
from assistant.launcher import free_port
from assistant.paths import PROJECT_ROOT
from assistant.translation.curated import curated
from tests.argos_pack_builder import build_pack
from tests.helpers import post

pytestmark = pytest.mark.server

FRENCH_TO_ENGLISH = {"qui": "who", "préside": "chairs", "le": "the"}
ENGLISH_TO_FRENCH = {"appointed": "nommée"}


def packs(argos_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BSOL_ARGOS_DIR": str(argos_dir)}
    return subprocess.run(
        [sys.executable, "-m", "assistant", "packs", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def french_stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[launcher.Stack]:
    tmp = tmp_path_factory.mktemp("french")
    argos_dir = tmp / "argos"
    for source, target, words in [("fr", "en", FRENCH_TO_ENGLISH), ("en", "fr", ENGLISH_TO_FRENCH)]:
        pack = build_pack(tmp / f"{source}_{target}", source, target, words)
        result = packs(argos_dir, "install", str(pack))
        assert result.returncode == 0, result.stderr
    assert "fr" in packs(argos_dir, "list").stdout
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BSOL_ARGOS_DIR", str(argos_dir))
        # Correctness here; the speed of translation is measured by bench/, not asserted.
        patch.setenv("BSOL_TRANSLATION_BUDGET_SECONDS", "30")
        with launcher.running(
            model=trained_model, port=free_port(), action_port=free_port(),
            tracker_db=tmp / "tracker.db", log_dir=tmp / "logs",
        ) as running:  # fmt: skip
            yield running
    for source, target in [("fr", "en"), ("en", "fr")]:
        assert packs(argos_dir, "remove", source, target).returncode == 0
    assert "no packs" in packs(argos_dir, "list").stdout


def test_a_french_question_is_understood_and_answered_in_french(french_stack):
    body = {"sender": "fr-1", "message": "qui préside le ICS", "metadata": {"language": "fr"}}
    status, payload = post(f"{french_stack.url}/webhooks/rest/webhook", json.dumps(body).encode())
    assert status == 200
    answer = json.loads(payload)[0]
    assert "Yve Buckland" in answer["text"]  # understood: the chair's answer
    assert "nommée" in answer["text"] and "appointed" not in answer["text"]  # translated out
    assert answer["metadata"] == {"language": "fr", "dir": "ltr", "translation": "machine"}


def test_an_emergency_is_never_left_to_machine_translation(french_stack):
    body = {"sender": "fr-2", "message": "my dad has chest pain", "metadata": {"language": "fr"}}
    status, payload = post(f"{french_stack.url}/webhooks/rest/webhook", json.dumps(body).encode())
    answer = json.loads(payload)[0]
    # French has a curated safety text: that, never the pack's translation
    assert answer["text"] == curated("fr").responses["utter_emergency"].text
    assert answer["metadata"]["translation"] == "curated"
