"""Hide personal data in what residents typed, before anyone reads it in a report.

Emails, UK phone numbers, UK postcodes, NHS numbers, dates and a name the resident gives
("my name is ...") become placeholders. Public numbers (999, 111, 116 123) and ordinary numbers
("160 GP practices", "10-year") are left as they are.
"""

import re

EMAIL = "[email]"
PHONE = "[phone]"
POSTCODE = "[postcode]"
NHS_NUMBER = "[NHS number]"
DATE = "[date]"
NAME = "[name]"
PLACEHOLDERS = (EMAIL, PHONE, POSTCODE, NHS_NUMBER, DATE, NAME)

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# 12/03/1985, 12-3-85, 12.03.1985, 1985-03-12; a written date only after "born", "DOB" or
# "birth" (12 March 1985, 12th of March, 1985, March 12 1985), so the ICS's own dates stay.
_WRITTEN_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH},? \d{{4}}"
    rf"|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})"
)
_AFTER_BIRTH = (
    r"(?:(?<=\bborn )|(?<=\bborn on )|(?<=\bdob )|(?<=\bdob: )|(?<=\bbirth )|(?<=\bbirth: )"
    r"|(?<=\bbirth is ))"
)
_DATE = re.compile(
    r"(?<![\d/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![\d/-])"
    rf"|{_AFTER_BIRTH}{_WRITTEN_DATE}\b",
    re.IGNORECASE,
)

# +44 7700 900123, +44 (0)121 496 0000, 0044 ..., 07700 900123, (0121) 496-0000, 020 7946 0000:
# a leading 0 or +44, an area code or mobile prefix, then 6 to 8 digits, spaced or not.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\d)"
)

# Ten digits, often 3-3-4: 943 476 5919, 943-476-5919, 9434765919.
_NHS_NUMBER = re.compile(r"(?<![\d+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")

# Full UK postcodes: B15 2TT, b152tt, SW1A 1AA (the inward code's letters never use CIKMOV).
_POSTCODE = re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)

_NAME_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_NAME = re.compile(
    r"(?P<lead>\b(?:my name(?: is|'s|’s)|i(?: am|'m|’m) called|call me|name\s*:)\s*)"
    rf"(?P<words>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})",
    re.IGNORECASE,
)
# Words that end a name ("call me on ...", "my name is Sam and ...").
_NOT_A_NAME = frozenset(
    """
    a about after am an and are as asap at back because but by can could do does email e-mail
    for from have help how i i'm if in is it later live lives living me my need not now on or
    phone please so soon than thank thanks that the then this to today tomorrow tonight want
    was what when where which who why will with would you your
    """.split()
)


def mask(text: str) -> str:
    """Return ``text`` with its personal data replaced by placeholders such as ``[email]``."""
    text = _EMAIL.sub(EMAIL, text)
    text = _DATE.sub(DATE, text)
    text = _PHONE.sub(PHONE, text)
    text = _NHS_NUMBER.sub(NHS_NUMBER, text)
    text = _POSTCODE.sub(POSTCODE, text)
    return _NAME.sub(_mask_name, text)


def _mask_name(match: re.Match[str]) -> str:
    """Replace the words of a name, stopping at the first word that cannot be part of one."""
    parts = re.split(r"([ \t]+)", match["words"])  # word, space, word, space, word
    words = parts[::2]
    kept = 0
    while kept < len(words) and words[kept].lower() not in _NOT_A_NAME:
        kept += 1
    if kept == 0:
        return match[0]
    return match["lead"] + NAME + "".join(parts[2 * kept - 1 :])
