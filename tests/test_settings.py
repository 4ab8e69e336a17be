"""Settings come from the environment, with safe defaults, and a wrong value is named."""

import pytest

from assistant.settings import RateLimit, Settings, SettingsError, load_settings


def test_the_defaults_are_the_public_service_defaults():
    settings = load_settings({})
    assert settings == Settings()
    assert settings.max_request_bytes == 65536
    assert settings.host == "127.0.0.1"
    assert settings.retention_days == 90
    assert settings.conversation_rate == RateLimit(10, 10.0)


def test_every_setting_can_be_changed_by_the_environment():
    settings = load_settings(
        {
            "BSOL_MAX_REQUEST_BYTES": "32768",
            "BSOL_MAX_MESSAGE_CHARS": "500",
            "BSOL_MAX_METADATA_BYTES": "1024",
            "BSOL_RATE_PER_CONVERSATION": "5/2",
            "BSOL_RATE_PER_ADDRESS": "100/60",
            "BSOL_RETENTION_DAYS": "0",
            "BSOL_TRANSLATION_BUDGET_SECONDS": "0.5",
            "BSOL_HOST": "0.0.0.0",
            "BSOL_CONVERSATION_SECRET": "s3cret",
            "BSOL_TRACKER_STORE_URL": "postgresql://bsol:pw@db.internal:5432/assistant",
            "BSOL_LOCK_STORE_URL": "redis://locks.internal:6379/2",
            "BSOL_NODE_ID": "n2",
        }
    )
    assert settings.max_request_bytes == 32768
    assert settings.max_message_chars == 500
    assert settings.max_metadata_bytes == 1024
    assert settings.conversation_rate == RateLimit(5, 2.0)
    assert settings.address_rate == RateLimit(100, 60.0)
    assert settings.retention_days == 0
    assert settings.translation_budget_seconds == 0.5
    assert settings.host == "0.0.0.0"
    assert settings.conversation_secret == "s3cret"
    assert settings.tracker_store_url == "postgresql://bsol:pw@db.internal:5432/assistant"
    assert settings.lock_store_url == "redis://locks.internal:6379/2"
    assert settings.node_id == "n2"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("BSOL_MAX_REQUEST_BYTES", "lots", "must be a whole number"),
        ("BSOL_MAX_REQUEST_BYTES", "10", "must be at least 1024"),
        ("BSOL_RETENTION_DAYS", "-1", "must be at least 0"),
        ("BSOL_RATE_PER_CONVERSATION", "10", "<messages>/<seconds>"),
        ("BSOL_RATE_PER_ADDRESS", "0/10", "both numbers must be positive"),
        ("BSOL_TRANSLATION_BUDGET_SECONDS", "soon", "number of seconds"),
        ("BSOL_TRANSLATION_BUDGET_SECONDS", "0", "more than 0"),
        ("BSOL_TRACKER_STORE_URL", "mysql://db/assistant", "postgresql://host:port"),
        ("BSOL_TRACKER_STORE_URL", "postgresql:///assistant", "postgresql://host:port"),
        ("BSOL_TRACKER_STORE_URL", "postgresql://db:port/assistant", "port must be a number"),
        ("BSOL_LOCK_STORE_URL", "locks.internal:6379", "redis://host:port"),
        ("BSOL_LOCK_STORE_URL", "redis://locks/zero", "database must be a number"),
        ("BSOL_NODE_ID", "Node 1", "lower-case letters or digits"),
        ("BSOL_NODE_ID", "n123456789", "1 to 8"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_variable(name, value, says):
    with pytest.raises(SettingsError, match=name) as error:
        load_settings({name: value})
    assert says in str(error.value)
