"""The directory's answers: which message to send, with which values, for a question asked.

Each answer is a :class:`Reply`: a message key of ``data/messages/en.yml`` and the values of its
placeholders (names, addresses, postcodes, phone numbers and dates, which stay as they are in
every language), the buttons to offer when the resident must choose, and the practice the
conversation is now about. Lists hold no words, only names, figures and punctuation, so a
curated template around them reads right in every language. Every answer that gives data
cites its sources, with their dates and the attribution the data's README asks for.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.directory.intents import (
    NEAREST,
    NOT_HELD,
    PCN_ENTITY,
    PCN_PRACTICES,
    PRACTICE_ENTITY,
    PRACTICE_PCN,
)
from assistant.directory.lookup import OUTSIDE_KM, DirectoryLookup, Nearby
from assistant.directory.models import Pcn, Practice
from assistant.directory.postcodes import district_of
from assistant.directory.store import (
    read_districts,
    read_pcns,
    read_postcodes,
    read_practices,
    read_sources,
)
from assistant.payloads import payload

logger = logging.getLogger(__name__)

# The sources (data/directory/sources.yml) behind practices' details; distances add the
# postcode locations of the place's area (``postcodes_B`` for B11 1LU).
PRACTICE_SOURCES = ("mapping", "epraccur")
_AREA = re.compile(r"[A-Z]+")


@dataclass(frozen=True)
class Reply:
    """One message of a directory answer.

    Attributes:
        key: The message's name in ``data/messages/en.yml``.
        values: The values of its placeholders, kept as they are in every language.
        buttons: Buttons to choose from (a practice or a PCN), if any.
        practice: The code of the practice the conversation is now about, if any.
    """

    key: str
    values: dict[str, str] = field(default_factory=dict)
    buttons: tuple[dict[str, str], ...] = ()
    practice: str | None = None


class DirectoryAnswers:
    """Answers the directory's questions from a lookup and its sources (both passed in)."""

    def __init__(self, lookup: DirectoryLookup, sources: Mapping[str, Any]) -> None:
        """Create the answers.

        Args:
            lookup: Finds practices, PCNs and the practices near a place.
            sources: ``data/directory/sources.yml`` as read: its ``sources``, ``attribution``
                and ``counts``.
        """
        self._lookup = lookup
        self._sources = sources

    @property
    def lookup(self) -> DirectoryLookup:
        """The lookup the answers come from."""
        return self._lookup

    def answer(
        self, intent: str, text: str, chosen: Mapping[str, str], remembered: str | None
    ) -> Reply:
        """The reply to a directory question.

        Args:
            intent: One of the directory's :data:`~assistant.directory.intents.INTENTS`.
            text: What the resident typed (empty for a button).
            chosen: A button's entities (``practice`` or ``pcn`` code), empty when typed.
            remembered: The code of the practice the conversation was about, if any.
        """
        if intent == NEAREST:
            return self._nearest(text)
        if intent == PCN_PRACTICES:
            return self._pcn_practices(text, chosen, remembered)
        found = self._practice(intent, text, chosen, remembered)
        if not isinstance(found, Practice):
            return found
        if intent == PRACTICE_PCN:
            return self._practice_pcn(found)
        if intent == NOT_HELD:
            return self._not_held(found)
        return self._contact(found)

    def counts(self) -> Reply:
        """How many practices and PCNs there are now, with the date of the list."""
        counts = self._sources["counts"]
        return Reply(
            "directory_counts",
            {
                "date": _date(self._sources["sources"]["mapping"]["published"]),
                "practice_count": str(counts["practices"]),
                "pcn_count": str(counts["pcns"]),
                "west_count": str(counts["west_birmingham_practices"]),
                "source": self._cited(("mapping",)),
            },
        )

    def _practice(
        self, intent: str, text: str, chosen: Mapping[str, str], remembered: str | None
    ) -> Practice | Reply:
        """The practice asked about: chosen, named, or the one the conversation is about."""
        code = chosen.get(PRACTICE_ENTITY, "").upper()
        if code:
            practice = self._lookup.practice(code)
            return practice if practice is not None else Reply("directory_practice_not_found")
        named = self._lookup.practices_named(text) if text else []
        if len(named) > 1:
            buttons = tuple(_practice_button(intent, p) for p in named)
            return Reply("directory_which_practice", buttons=buttons)
        if named:
            return named[0]
        practice = self._lookup.practice(remembered or "")
        if practice is not None and not self._lookup.pcns_named(text):
            return practice
        if intent == NOT_HELD:
            return Reply("directory_not_held_no_practice")
        asked = "directory_ask_practice" if _names_nothing(text) else "directory_practice_not_found"
        return Reply(asked)

    def _practice_pcn(self, practice: Practice) -> Reply:
        pcn = self._lookup.pcn_of(practice)
        return Reply(
            "directory_practice_pcn",
            {**self._place_values(practice), "pcn": pcn.name,
             "source": self._cited(PRACTICE_SOURCES)},
            practice=practice.code,
        )  # fmt: skip

    def _contact(self, practice: Practice) -> Reply:
        return Reply(
            "directory_practice_contact",
            {**self._place_values(practice), "phone": practice.phone,
             "source": self._cited(PRACTICE_SOURCES)},
            practice=practice.code,
        )  # fmt: skip

    def _not_held(self, practice: Practice) -> Reply:
        return Reply(
            "directory_not_held",
            {"practice": practice.name, "phone": practice.phone,
             "source": self._cited(PRACTICE_SOURCES)},
            practice=practice.code,
        )  # fmt: skip

    def _pcn_practices(
        self, text: str, chosen: Mapping[str, str], remembered: str | None
    ) -> Reply:
        """The practices of the PCN chosen or named, or of the practice named or talked about."""
        code = chosen.get(PCN_ENTITY, "").upper()
        pcns = [p for p in [self._lookup.pcn(code)] if p] if code else self._lookup.pcns_named(text)
        if len(pcns) > 1:
            return Reply("directory_which_pcn", buttons=tuple(map(_pcn_button, pcns)))
        pcn, practice = pcns[0] if pcns else None, None
        if pcn is None and not code:
            named = self._lookup.practices_named(text)
            practice = named[0] if len(named) == 1 else self._lookup.practice(remembered or "")
            pcn = self._lookup.pcn_of(practice) if practice is not None else None
        if pcn is None:
            return Reply("directory_pcn_not_found")
        lines = [f"- {p.name}, {p.postcode}: {p.phone}" for p in self._lookup.members(pcn)]
        return Reply(
            "directory_pcn_practices",
            {"pcn": pcn.name, "practices": "\n".join(lines),
             "source": self._cited(PRACTICE_SOURCES)},
            practice=practice.code if practice is not None else None,
        )  # fmt: skip

    def _nearest(self, text: str) -> Reply:
        nearest = self._lookup.nearest(text)
        if nearest is None:
            return Reply("directory_ask_place")
        area = "postcodes_" + _AREA.match(nearest.place).group()  # type: ignore[union-attr]
        values = {"place": nearest.place, "source": self._cited((*PRACTICE_SOURCES, area))}
        if nearest.outside:
            return Reply("directory_outside", {**values, "km": f"{OUTSIDE_KM:g}"})
        if not nearest.practices:
            return Reply("directory_postcode_unknown", {"place": nearest.place})
        values["practices"] = "\n".join(
            _nearby_line(number, nearby) for number, nearby in enumerate(nearest.practices, 1)
        )
        if not nearest.by_district:
            return Reply("directory_nearest", values)
        if nearest.place == district_of(nearest.place):
            return Reply("directory_nearest_district", values)
        district = district_of(nearest.place)
        return Reply("directory_nearest_postcode_unknown", {**values, "district": district})

    def _place_values(self, practice: Practice) -> dict[str, str]:
        return {
            "practice": practice.name,
            "address": f"{practice.address}, {practice.town}",
            "postcode": practice.postcode,
        }

    def _cited(self, keys: tuple[str, ...]) -> str:
        """The sources' titles and dates, then the attribution their README asks for."""
        sources = self._sources["sources"]
        cited = [sources[key] for key in keys if key in sources]
        titles = "; ".join(f"{s['title']} ({_date(s['published'])})" for s in cited)
        return f"{titles}. {self._sources['attribution']}"


def _nearby_line(number: int, nearby: Nearby) -> str:
    practice = nearby.practice
    return (
        f"{number}. {practice.name} – {nearby.km:.1f} km: {practice.address}, "
        f"{practice.postcode} – {practice.phone}"
    )


def _practice_button(intent: str, practice: Practice) -> dict[str, str]:
    return {
        "title": f"{practice.name}, {practice.address}, {practice.postcode}",
        "payload": payload(intent, **{PRACTICE_ENTITY: practice.code.lower()}),
    }


def _pcn_button(pcn: Pcn) -> dict[str, str]:
    return {"title": pcn.name, "payload": payload(PCN_PRACTICES, **{PCN_ENTITY: pcn.code.lower()})}


def _names_nothing(text: str) -> bool:
    """Whether ``text`` is too short to have named a practice ("what's their number?")."""
    return len(text.split()) <= 6


def _date(published: str) -> str:
    """A publication date as UK residents write it: ``2026-08-01`` → ``01/08/2026``."""
    return "/".join(reversed(str(published).split("-")))


@lru_cache(maxsize=1)
def default_directory_answers() -> DirectoryAnswers:
    """The answers over the project's directory data, read on first use and kept.

    Without the postcode lookup (``make directory`` builds it), places are located by their
    postcode district only, and a warning says so.
    """
    try:
        postcodes = read_postcodes()
    except FileNotFoundError:
        logger.warning("No postcode lookup in var/directory: run `make directory`. Postcodes "
                       "are located by their district only.")  # fmt: skip
        postcodes = {}
    lookup = DirectoryLookup(read_practices(), read_pcns(), read_districts(), postcodes)
    return DirectoryAnswers(lookup, read_sources())
