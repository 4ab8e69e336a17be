"""Machine translation with the installed Argos packs, within a time budget and never raising.

:class:`MachineTranslator` translates directly when a pack for the pair is installed, or in two
steps through English. All model work runs on one worker thread (Argos's lazily loaded models
are not shared between threads); the caller awaits it without blocking the event loop, at most
for the time budget, and gets None after it. A translation that finishes late still fills the
cache, so asking again gets it at once. Residents' text is never logged, only language codes and
lengths.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from assistant.settings import Settings
from assistant.translation import argos_runtime, packs

logger = logging.getLogger(__name__)

DEFAULT_BUDGET_SECONDS = Settings.translation_budget_seconds
DEFAULT_CACHE_SIZE = 1024

Pair = tuple[str, str]
_Key = tuple[str, str, str]


class MachineTranslator:
    """Translates text between languages with the installed packs.

    Args:
        packages_dir: The installed packs; the runtime's packages folder by default.
        budget_seconds: How long :meth:`translate_async` waits for a translation before giving up.
        cache_size: How many translations the in-memory LRU cache keeps.
        pivot: The language to translate through when no pack covers a pair directly.
    """

    def __init__(
        self,
        packages_dir: Path | None = None,
        budget_seconds: float = DEFAULT_BUDGET_SECONDS,
        cache_size: int = DEFAULT_CACHE_SIZE,
        pivot: str = packs.PIVOT_LANGUAGE,
    ) -> None:
        if budget_seconds <= 0 or cache_size < 0:
            raise ValueError("budget_seconds must be positive and cache_size not negative")
        self.packages_dir = packages_dir or argos_runtime.packages_dir()
        self.budget_seconds = budget_seconds
        self.pivot = pivot
        self._cache_size = cache_size
        self._cache: OrderedDict[_Key, str] = OrderedDict()
        self._pending: dict[_Key, Future[str]] = {}
        self._lock = threading.Lock()
        self._packs: dict[Pair, packs.InstalledPack] | None = None
        self._translations: dict[Pair, Callable[[str], str]] = {}
        self._executor: ThreadPoolExecutor | None = None
        self.model_runs = 0
        """How many times a pack's model has been run (one per step; cache hits run none)."""

    def has_pack(self, source: str, target: str) -> bool:
        """Return whether a pack for exactly this pair is installed."""
        return (source, target) in self._installed()

    def can_translate(self, source: str, target: str) -> bool:
        """Return whether the pair can be translated, directly or through the pivot language."""
        return source == target or self._route(source, target) is not None

    async def translate_async(
        self, text: str, source: str, target: str, budget_seconds: float | None = None
    ) -> str | None:
        """Translate ``text`` from ``source`` to ``target`` (language codes), off the event loop.

        The model runs on the worker thread; the event loop goes on serving other conversations
        meanwhile. Calls started together share the budget rather than adding it up, so a reply
        that needs several texts can ask for all of them at once.

        Args:
            text: The text to translate.
            source: The language code of ``text``.
            target: The language code to translate into.
            budget_seconds: Overrides the translator's time budget for this call.

        Returns:
            The translation; ``text`` itself if the languages are the same or it is blank; None
            if no pack covers the pair, the translation failed (logged) or took too long (it
            then goes on and fills the cache).
        """
        if source == target or not text.strip():
            return text
        key = (source, target, text)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        budget = self.budget_seconds if budget_seconds is None else budget_seconds
        try:
            route = self._route(source, target)
            if route is None:
                logger.debug("No pack translates %s -> %s", source, target)
                return None
            running = asyncio.wrap_future(self._submit(key, route))
            # shield: a time-out stops the wait, not the translation, which still fills the cache
            return await asyncio.wait_for(asyncio.shield(running), budget)
        except asyncio.TimeoutError:
            logger.warning("Translation %s -> %s took over %.2f s", source, target, budget)
        except Exception:
            logger.exception(
                "Translation %s -> %s of %d characters failed", source, target, len(text)
            )
        return None

    def warm_up(self) -> None:
        """Load every installed pack now (e.g. at start-up), so first translations are fast.

        Raises:
            Exception: A pack cannot be loaded (unlike :meth:`translate_async`, this one raises).
        """
        pairs = list(self._installed())
        self._worker().submit(lambda: [self._translation(pair)("") for pair in pairs]).result()

    def reload(self) -> None:
        """Forget the list of installed packs, loaded models and cache (after installing)."""
        with self._lock:
            self._packs = None
            self._translations = {}
            self._cache.clear()

    def close(self) -> None:
        """Wait for running translations to finish and stop the worker thread."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def _installed(self) -> dict[Pair, packs.InstalledPack]:
        with self._lock:
            if self._packs is None:
                self._packs = {pack.pair: pack for pack in packs.installed(self.packages_dir)}
            return self._packs

    def _route(self, source: str, target: str) -> list[Pair] | None:
        installed = self._installed()
        if (source, target) in installed:
            return [(source, target)]
        steps = [(source, self.pivot), (self.pivot, target)]
        if self.pivot not in (source, target) and all(step in installed for step in steps):
            return steps
        return None

    def _submit(self, key: _Key, route: list[Pair]) -> Future[str]:
        with self._lock:
            pending = self._pending.get(key)
            if pending is not None:
                return pending
        future = self._worker().submit(self._run, route, key[2])
        with self._lock:
            self._pending[key] = future
        future.add_done_callback(lambda done: self._finished(key, done))
        return future

    def _finished(self, key: _Key, future: Future[str]) -> None:
        with self._lock:
            self._pending.pop(key, None)
            if future.cancelled() or future.exception() is not None or self._cache_size == 0:
                return
            self._cache[key] = future.result()
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _run(self, route: list[Pair], text: str) -> str:
        for pair in route:
            text = self._translation(pair)(text)
            self.model_runs += 1
        return text

    def _translation(self, pair: Pair) -> Callable[[str], str]:
        if pair not in self._translations:
            self._translations[pair] = argos_runtime.load_translation(self._installed()[pair].path)
        return self._translations[pair]

    def _worker(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="machine-translation")
            return self._executor
