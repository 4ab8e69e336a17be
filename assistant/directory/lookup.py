"""Finding practices: by name however residents type it, by PCN, and nearest to a postcode.

Names are matched on their distinctive words ("Limes" in "The Limes Medical Centre"), each
allowing a typo, and the words of a practice's address count too ("the limes small heath").
Distances are straight lines between postcode locations (ONS), never travel times.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.directory.models import District, Pcn, Practice
from assistant.directory.postcodes import (
    Location,
    distance_km,
    district_of,
    normal_district,
    normal_postcode,
)

# Words in many practice names that tell one practice from another nothing.
GENERIC_WORDS = frozenset(
    "the a of and surgery surgeries medical centre center centres practice practise health "
    "healthcare gp gps group doctors doctor clinic partnership family primary care pcn network "
    "road street lane st rd".split()
)
# Words residents leave out of a name without meaning another practice.
FILLER_WORDS = frozenset("the a of and".split())
# Words that say a name is a GP practice's ("the park" is a park; "the park surgery" a practice).
PRACTICE_WORDS = frozenset(
    "surgery surgeries medical centre center practice practise health gp doctor doctors "
    "doctor's clinic".split()
)
# Words that say a name is a PCN's ("solihull" is a place; "solihull pcn" a network).
PCN_WORDS = frozenset("pcn pcns network networks".split())
# How alike two words must be to count as one typed with a typo (difflib's ratio), and how long
# both must be for a typo to be allowed at all.
WORD_LIKENESS = 0.8
MIN_TYPO_LENGTH = 4
# A name matches when at least this share of its distinctive words are in the text.
NAME_SHARE = 0.99
# The practices given for a postcode, nearest first.
NEAREST_COUNT = 5
# Farther than this from every practice, a postcode is outside Birmingham and Solihull.
OUTSIDE_KM = 5.0
_WORD = re.compile(r"[a-z0-9]+")
_CODE_PARTS = re.compile(r"[A-Z0-9]+")
_POSSESSIVE = re.compile(r"['’]s\b")


@dataclass(frozen=True)
class Mentions:
    """What a message names of the directory: a place, a PCN, a practice (surely, not a park)."""

    place: bool
    pcn: bool
    practice: bool

    @property
    def any(self) -> bool:
        """Whether the message names anything the directory knows."""
        return self.place or self.pcn or self.practice


@dataclass(frozen=True)
class Nearby:
    """A practice and its straight-line distance from the place asked about."""

    practice: Practice
    km: float


@dataclass(frozen=True)
class Nearest:
    """The practices nearest a postcode (or a postcode district), or why there are none.

    Attributes:
        place: The full postcode or district the distances are from, in normal form.
        by_district: True when the distances are from the district's centre (only a district
            was given, or the full postcode is not one the lookup keeps).
        practices: Nearest first; empty when the place is unknown or outside the area.
        outside: The place is known but farther than ``OUTSIDE_KM`` from every practice.
    """

    place: str
    by_district: bool
    practices: tuple[Nearby, ...]
    outside: bool = False


class DirectoryLookup:
    """The directory's questions, over data read once (collaborators passed in)."""

    def __init__(
        self,
        practices: Iterable[Practice],
        pcns: Iterable[Pcn],
        districts: Iterable[District],
        postcodes: dict[str, Location],
    ) -> None:
        self._practices = tuple(practices)
        self._by_code = {practice.code: practice for practice in self._practices}
        self._pcns = {pcn.code: pcn for pcn in pcns}
        self._names = {p.code: _distinctive(p.name) for p in self._practices}
        self._full_names = {
            p.code: [w for w in _words(p.name) if w not in FILLER_WORDS] for p in self._practices
        }
        self._addresses = {
            p.code: sorted(set(_distinctive(f"{p.address} {p.town}")) - set(self._names[p.code]))
            for p in self._practices
        }
        self._pcn_names = {code: _distinctive(pcn.name) for code, pcn in self._pcns.items()}
        vocabulary = {w for words in self._full_names.values() for w in words}
        vocabulary |= {w for words in self._addresses.values() for w in words}
        vocabulary |= {w for words in self._pcn_names.values() for w in words}
        self._vocabulary = frozenset(vocabulary)
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(w for w in vocabulary if len(w) >= MIN_TYPO_LENGTH):
            self._by_initial.setdefault(word[0], []).append(word)
        self._districts = {d.district: (d.latitude, d.longitude) for d in districts}
        self._postcodes = postcodes

    def practice(self, code: str) -> Practice | None:
        """The practice with ODS code ``code``, or None."""
        return self._by_code.get(code)

    def pcn(self, code: str) -> Pcn | None:
        """The PCN with ODS code ``code``, or None."""
        return self._pcns.get(code)

    def practices_named(self, text: str) -> list[Practice]:
        """The practices ``text`` names; several when they match equally well (ask which)."""
        return self._practices_with(self._found(_words(text)))

    def _practices_with(self, found: frozenset[str]) -> list[Practice]:
        """The practices whose names the found words name best (several: ask which)."""
        scored = [(self._score(practice, found), practice) for practice in self._practices]
        best = max((score for score, _ in scored), default=(0.0, 0))
        if best[0] < NAME_SHARE:
            return []
        return [practice for score, practice in scored if score == best]

    def mentions(self, text: str) -> Mentions:
        """What ``text`` names: a known postcode or district, a PCN, a practice.

        A practice counts when two or more of its name's distinctive words are there, or its
        one distinctive word with a word like "surgery" or "gp" ("the limes gp", not "limes");
        a PCN likewise, with "pcn" or "network" ("solihull pcn", not "solihull council").
        A district counts only when it is one of the districts near the practices ("B11", not
        the "I3" of "SWB I3 PCN").
        """
        words = _words(text)
        found = self._found(words)  # once: the practices' and the PCNs' names are both read in it
        practices = [self._names[p.code] for p in self._practices_with(found)]
        pcns = [self._pcn_names[p.code] for p in self._pcns_with(found)]
        practice = _surely_named(practices, PRACTICE_WORDS, words)
        pcn = _surely_named(pcns, PCN_WORDS, words)
        _, location, _ = self._place(text)
        return Mentions(location is not None, pcn, practice)

    def pcn_of(self, practice: Practice) -> Pcn:
        """The PCN a practice belongs to."""
        return self._pcns[practice.pcn_code]

    def pcns_named(self, text: str) -> list[Pcn]:
        """The PCNs ``text`` names (on their distinctive words, as for practices)."""
        return self._pcns_with(self._found(_words(text)))

    def _pcns_with(self, found: frozenset[str]) -> list[Pcn]:
        """The PCNs whose distinctive words are all among the found words (the longest names)."""
        names = self._pcn_names
        named = [pcn for pcn in self._pcns.values() if _share(names[pcn.code], found) >= 1]
        longest = max((len(names[p.code]) for p in named), default=0)
        return [pcn for pcn in named if len(names[pcn.code]) == longest]

    def members(self, pcn: Pcn) -> list[Practice]:
        """The practices in a PCN, by name."""
        return sorted(
            (p for p in self._practices if p.pcn_code == pcn.code), key=lambda p: p.name
        )

    def nearest(self, text: str, count: int = NEAREST_COUNT) -> Nearest | None:
        """The practices nearest the postcode or district in ``text``; None if it has neither."""
        place, location, by_district = self._place(text)
        if place is None:
            return None
        if location is None:
            return Nearest(place, by_district, ())
        ranked = sorted(
            (Nearby(p, distance_km(location, (p.latitude, p.longitude))) for p in self._practices),
            key=lambda nearby: (nearby.km, nearby.practice.name),
        )
        if not ranked or ranked[0].km > OUTSIDE_KM:
            return Nearest(place, by_district, (), outside=True)
        return Nearest(place, by_district, tuple(ranked[:count]))

    def _place(self, text: str) -> tuple[str | None, Location | None, bool]:
        """The full postcode or district in ``text``, its location (None: unknown), by district."""
        tokens = _CODE_PARTS.findall(text.upper())
        for first, second in zip(tokens, [*tokens[1:], ""][: len(tokens)], strict=True):
            postcode = normal_postcode(first + second) or normal_postcode(first)
            if postcode is not None and postcode in self._postcodes:
                return postcode, self._postcodes[postcode], False
            if postcode is not None:
                # Not a postcode the lookup keeps: its district's centre, if the district is known.
                return postcode, self._districts.get(district_of(postcode)), True
        for district in filter(None, map(normal_district, tokens)):
            return district, self._districts.get(district), True
        return None, None, False

    def _found(self, words: Iterable[str]) -> frozenset[str]:
        """The directory's words among ``words``, as typed or with a typo after the first letter."""
        found = set()
        for typed in set(words):
            if typed in self._vocabulary or typed in GENERIC_WORDS:
                found.add(typed)  # a word as it is spelt is not a typo of another ("green")
                continue
            candidates = self._by_initial.get(typed[0], [])
            if len(typed) >= MIN_TYPO_LENGTH and candidates:
                found.update(difflib.get_close_matches(
                    typed, candidates, n=len(candidates), cutoff=WORD_LIKENESS
                ))  # fmt: skip
        return frozenset(found)

    def _score(self, practice: Practice, found: frozenset[str]) -> tuple[float, int]:
        """How well a text names a practice, to compare with the others.

        First the share of its distinctive words found (all of them, or it is not named); then,
        to tell apart names that all match, how many words of its name and address were typed:
        "church road surgery sheldon" is Church Road Surgery (90 Church Road, Sheldon), not
        The Sheldon Medical Centre; "garretts green lane surgery" is not Green Lane Surgery;
        "the limes small heath" is The Limes Medical Centre (Small Heath), not Small Heath
        Medical Practice.
        """
        name = self._names[practice.code]
        share = _share(name, found)
        if share < NAME_SHARE:
            return (share, 0)
        words = [*self._full_names[practice.code], *self._addresses[practice.code]]
        return (share, sum(1 for word in words if word in found))


def _surely_named(names: list[list[str]], kind_words: frozenset[str], words: list[str]) -> bool:
    """Whether the best-matching ``names`` (their distinctive words) are surely meant.

    They are when one has two or more distinctive words, or when a word of their kind
    (``kind_words``: "surgery", "pcn") is among ``words``.
    """
    return any(len(name) >= 2 for name in names) or (
        bool(names) and not kind_words.isdisjoint(words)
    )


def _words(text: str) -> list[str]:
    """The words of ``text``, lower case; "people's" is "people"."""
    return _WORD.findall(_POSSESSIVE.sub("", text.casefold()))


def _distinctive(name: str) -> list[str]:
    return [w for w in _words(name) if w not in GENERIC_WORDS]


def _share(wanted: list[str], found: frozenset[str]) -> float:
    """The share of ``wanted`` words among those found in a text."""
    if not wanted:
        return 0.0
    return sum(1 for w in wanted if w in found) / len(wanted)
