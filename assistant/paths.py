"""Where the project's files are, built from this file's location (never the working directory)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
KB_DIR = DATA_DIR / "kb"
SAFETY_DIR = DATA_DIR / "safety"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
VAR_DIR = PROJECT_ROOT / "var"
MODELS_DIR = PROJECT_ROOT / "models"
DEFAULT_MODEL = MODELS_DIR / "assistant.tar.gz"
