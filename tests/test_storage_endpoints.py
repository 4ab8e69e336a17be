"""The shared stores' endpoints.yml sections, from the settings."""

from assistant.settings import load_settings
from assistant.storage.endpoints import LOCK_STORE, TRACKER_STORE, shared_store_sections


def test_one_machine_keeps_the_files_own_stores():
    assert shared_store_sections(load_settings({})) == {}


def test_postgresql_and_redis_urls_become_rasa_store_sections():
    settings = load_settings({
        "BSOL_TRACKER_STORE_URL": "postgresql://bsol:p%40ss@db.internal:6432/assistant",
        "BSOL_LOCK_STORE_URL": "redis://:secret@locks.internal/3",
    })  # fmt: skip
    sections = shared_store_sections(settings)
    assert sections["tracker_store"] == {
        "type": TRACKER_STORE, "dialect": "postgresql", "url": "db.internal", "port": 6432,
        "db": "assistant", "username": "bsol", "password": "p@ss",
    }  # fmt: skip
    assert sections["lock_store"] == {
        "type": LOCK_STORE, "url": "locks.internal", "port": 6379, "db": 3,
        "password": "secret", "key_prefix": "bsol",
    }  # fmt: skip
