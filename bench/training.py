"""Time this assistant's training from scratch, in a copy of the project (no caches of ours)."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from assistant.paths import PROJECT_ROOT

# Left out of the copy: environments, trained models and everything under var/ (the tracker
# store, Rasa's home and the embedding cache), so nothing is reused.
NOT_COPIED = (".venv", "models", "var", ".rasa", ".git")


def training_seconds(folder: Path) -> float:
    """Seconds for a full training run of a copy of the project made in ``folder``."""
    work = folder / "project"
    shutil.copytree(PROJECT_ROOT, work, ignore=shutil.ignore_patterns(*NOT_COPIED))
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml",
         "--data", "data/nlu", "data/rules", "--out", str(work / "models"), "--force"],
        cwd=work, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return time.monotonic() - started
