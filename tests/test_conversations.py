"""Rasa's own conversation tests (tests/conversations) pass with the trained model."""

import os
import subprocess
import sys

import pytest

from assistant.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_conversation_stories_are_predicted_without_errors(trained_model, tmp_path):
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(trained_model),
         "--stories", "tests/conversations", "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stderr[-4000:]
    assert result.returncode == 0, details
