"""The channels' collaborators: which rate limits a server gets."""

from assistant.channels.conversation_ids import ConversationIds
from assistant.channels.rate_limit import RateLimiter
from assistant.channels.services import rate_limiters
from assistant.channels.shared_rate_limit import SharedRateLimiter
from assistant.settings import load_settings


def test_one_server_counts_on_its_own_and_several_count_in_their_shared_redis() -> None:
    ids = ConversationIds("secret")
    alone = load_settings({})
    assert all(type(limit) is RateLimiter for limit in rate_limiters(alone, ids))
    several = load_settings({"BSOL_LOCK_STORE_URL": "redis://127.0.0.1:6399/0"})
    shared = rate_limiters(several, ids)
    assert all(type(limit) is SharedRateLimiter for limit in shared)
    assert [limit.limit for limit in shared] == [several.conversation_rate, several.address_rate]
