import pytest

from assistant.reports.personal_data import mask


@pytest.mark.parametrize(
    "email", ["john.smith@example.com", "J_Smith+nhs@mail.example.co.uk", "o'neill@example.org"]
)
def test_emails_are_masked(email: str) -> None:
    assert mask(f"email me at {email} please") == "email me at [email] please"


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "(07700) 900 123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "0121 496 0000",
        "(0121) 496-0000",
        "01214960000",
        "020 7946 0000",
        "01632 960000",
    ],
)
def test_uk_phone_numbers_are_masked(phone: str) -> None:
    assert mask(f"ring me on {phone} today") == "ring me on [phone] today"


@pytest.mark.parametrize(
    "postcode", ["B15 2TT", "b152tt", "SW1A 1AA", "sw1a1aa", "B1 1BB", "EC1A 1BB", "M1 1AE"]
)
def test_uk_postcodes_are_masked(postcode: str) -> None:
    assert mask(f"I live at {postcode}, near the park") == "I live at [postcode], near the park"


@pytest.mark.parametrize("number", ["943 476 5919", "943-476-5919", "9434765919", "943 4765919"])
def test_nhs_numbers_are_masked(number: str) -> None:
    assert mask(f"my NHS number is {number}.") == "my NHS number is [NHS number]."


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("my name is John Smith, email me", "my name is [name], email me"),
        ("My name is Amira and I need help", "My name is [name] and I need help"),
        ("my name's priya kaur", "my name's [name]"),
        ("my name’s Siobhan O'Neill-Byrne.", "my name’s [name]."),
        ("I am called Wojciech", "I am called [name]"),
        ("I'm called Mo from Solihull", "I'm called [name] from Solihull"),
        ("call me Dave.", "call me [name]."),
        ("Name: Ahmed Khan", "Name: [name]"),
    ],
)
def test_names_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text", ["call me on 999", "please call me back", "my name is not important", "call me now"]
)
def test_words_after_a_name_phrase_that_are_not_names_stay(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("born 12/03/1985", "born [date]"),
        ("dob 12-3-85", "dob [date]"),
        ("date of birth 12.03.1985", "date of birth [date]"),
        ("born 1985-03-12", "born [date]"),
        ("I was born on 12th March 1985", "I was born on [date]"),
        ("date of birth is March 12, 1985", "date of birth is [date]"),
    ],
)
def test_dates_of_birth_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


def test_several_kinds_in_one_message() -> None:
    text = (
        "my name is John Smith, email john.smith@example.com, call 07700 900123, "
        "NHS 943 476 5919, B15 2TT, born 12/03/1985"
    )
    assert mask(text) == (
        "my name is [name], email [email], call [phone], NHS [NHS number], [postcode], "
        "born [date]"
    )


@pytest.mark.parametrize(
    "text",
    [
        "In an emergency call 999. For urgent help call NHS 111 or 111.nhs.uk.",
        "Samaritans are free on 116 123, day or night.",
        "There are 160 GP practices in 26 Primary Care Networks.",
        "The 10-year Integrated Care Strategy 2023–2033 (2023-2033) serves 1.3 million people.",
        "The ICB was set up on 1 July 2022 with a budget of £3.4bn; 24/7, 0-19 services.",
        "More than 40 languages are spoken; 46% of residents live in the most deprived areas.",
        "What is the ICS? Who chairs the ICB? How do I find my PCN?",
    ],
)
def test_ordinary_text_and_public_numbers_are_untouched(text: str) -> None:
    assert mask(text) == text


def test_other_scripts_keep_their_words() -> None:
    assert mask("میرا بوائلر خراب ہے، 07700 900456 پر فون کریں") == (
        "میرا بوائلر خراب ہے، [phone] پر فون کریں"
    )
