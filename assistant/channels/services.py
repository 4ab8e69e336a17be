"""What the channels share in one Rasa server: settings, the edge, conversation ids, rate limits.

Rasa builds each input channel from ``credentials.yml`` with no way to pass collaborators in, so
this is the one place they are made (once, when the first channel starts, not at import); every
other module gets them passed in.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis.asyncio
from sanic import Blueprint

from assistant import log_privacy
from assistant.channels.conversation_ids import ConversationIds
from assistant.channels.edge import Edge, TrackerLanguage
from assistant.channels.rate_limit import Limiter, RateLimiter
from assistant.channels.shared_rate_limit import SharedRateLimiter
from assistant.language import default_registry
from assistant.safety import all_safety_phrases, load_safety_only_languages
from assistant.settings import Settings, load_settings
from assistant.storage.endpoints import LOCK_KEY_PREFIX
from assistant.storage.redis_health import SOCKET_TIMEOUT_SECONDS, RedisHealth
from assistant.translation.curated import curated
from assistant.translation.localiser import Localiser
from assistant.translation.machine import MachineTranslator


@dataclass(frozen=True)
class Services:
    """The channels' collaborators.

    Attributes:
        settings: Limits, rate limits and the id secret.
        edge: Cleans, decides the language, translates and localises.
        ids: Issues and checks conversation ids.
        per_conversation: Rate limit keyed by conversation id.
        per_address: Rate limit keyed by client address.
        languages: The conversation-language lookup the edge uses (bound at start-up).
    """

    settings: Settings
    edge: Edge
    ids: ConversationIds
    per_conversation: Limiter
    per_address: Limiter
    languages: TrackerLanguage

    def bind_on_start(self, blueprint: Blueprint) -> None:
        """Prepare the server when it starts (each channel asks; doing it twice is harmless).

        Rasa's CORS set-up (sanic_cors, in ``rasa/server.py``) sends
        ``Access-Control-Allow-Credentials: true`` on every response to a request without an
        Origin header; the assistant uses no cookies or credentials, so that is switched off.
        Once the agent is loaded, the edge reads the conversation's language from its store.
        """

        async def no_credentials(app: Any, _: Any) -> None:
            cors = getattr(app.ctx, "sanic_cors", None)
            for _pattern, options in getattr(cors, "resources", None) or ():
                options["supports_credentials"] = False

        async def bind(app: Any, _: Any) -> None:
            agent = getattr(app.ctx, "agent", None)
            if agent is not None and agent.tracker_store is not None:
                self.languages.bind(agent.tracker_store)

        blueprint.listener("before_server_start")(no_credentials)
        blueprint.listener("after_server_start")(bind)


def rate_limiters(settings: Settings, ids: ConversationIds) -> tuple[Limiter, Limiter]:
    """The per-conversation and per-address limits: this server's own, or shared in Redis.

    With ``BSOL_LOCK_STORE_URL`` set (several servers), the Redis that holds the locks counts
    the limits too, so a client behind the balancer gets each limit once, not once per server;
    Redis holds each key as its pseudonym (:meth:`ConversationIds.pseudonym`).
    """
    conversation = RateLimiter(settings.conversation_rate)
    address = RateLimiter(settings.address_rate)
    if not settings.lock_store_url:
        return conversation, address
    client = redis.asyncio.Redis.from_url(
        settings.lock_store_url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
    )
    health = RedisHealth(
        "rate limits",
        "each server now counts its own, so a client may send up to the limit to each server",
    )
    return (
        SharedRateLimiter(conversation, client, "conversation", health, ids.pseudonym,
                          LOCK_KEY_PREFIX),
        SharedRateLimiter(address, client, "address", health, ids.pseudonym, LOCK_KEY_PREFIX),
    )  # fmt: skip


def right_to_left_languages() -> list[str]:
    """The codes of every language the assistant can answer in that is written right to left."""
    known = (*default_registry(), *load_safety_only_languages())
    return [language.code for language in known if language.direction == "rtl"]


@lru_cache(maxsize=1)
def default_services() -> Services:
    """The project's services, built when the channels start (not at import).

    Installed translation packs are loaded here, so the first resident does not wait for them.
    """
    log_privacy.install()
    settings = load_settings()
    machine = MachineTranslator(budget_seconds=settings.translation_budget_seconds)
    machine.warm_up()
    languages = TrackerLanguage()
    edge = Edge(
        registry=default_registry(),
        safety=all_safety_phrases(),
        translator=machine,
        localiser=Localiser(curated, machine, right_to_left_languages()),
        conversation_language=languages,
        max_message_chars=settings.max_message_chars,
    )
    ids = ConversationIds(settings.conversation_secret)
    per_conversation, per_address = rate_limiters(settings, ids)
    return Services(
        settings=settings,
        edge=edge,
        ids=ids,
        per_conversation=per_conversation,
        per_address=per_address,
        languages=languages,
    )
