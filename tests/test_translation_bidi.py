"""Bidirectional isolation of left-to-right runs, on real sentences from the translations."""

import pytest

from assistant.language import default_registry
from assistant.safety import load_safety_only_languages
from assistant.translation.bidi import FSI, PDI, isolate_left_to_right, without_isolates
from assistant.translation.curated import curated

RIGHT_TO_LEFT = [
    lang.code
    for lang in (*default_registry(), *load_safety_only_languages())
    if lang.direction == "rtl"
]
SIGNPOSTS = ("999", "NHS 111", "116 123")


def marked(text: str) -> str:
    """Write FSI as ⟦ and PDI as ⟧, so that the expected texts can be read."""
    return text.replace("⟦", FSI).replace("⟧", PDI)


def every_text(code: str) -> list[str]:
    texts = curated(code)
    assert texts is not None, code
    sections = (texts.responses, texts.interface, texts.kb, texts.questions)
    return [text.text for section in sections for text in section.values()]


def test_the_right_to_left_languages_are_the_registrys():
    assert {"ur", "ar", "fa", "ps", "ckb"} <= set(RIGHT_TO_LEFT)
    assert not {"en", "pl", "zh", "so"} & set(RIGHT_TO_LEFT)


@pytest.mark.parametrize(
    ("code", "section", "key", "expected"),
    [
        (
            "ur",
            "responses",
            "utter_crisis",
            "اگر آپ اس وقت خطرے میں ہیں یا آپ نے خود کو نقصان پہنچایا ہے تو ⟦999⟧ پر کال کریں۔ آپ "
            "⟦Samaritans⟧ سے ⟦116 123⟧ پر کسی بھی وقت، دن ہو یا رات، مفت بات کر سکتے ہیں۔ اپنی "
            "ذہنی صحت کے لیے فوری مدد کے لیے ⟦NHS 111⟧ پر کال کریں۔ آپ اکیلے نہیں ہیں۔",
        ),
        (
            "ur",
            "kb",
            "gp_practices_how_many",
            "⟦Birmingham and Solihull ICS⟧ میں ⟦160 GP⟧ پریکٹسز (جنرل پریکٹسز) ہیں جو ⟦29⟧ "
            "پرائمری کیئر نیٹ ورکس (⟦Primary Care Networks⟧، ⟦PCNs⟧) میں پھیلی ہوئی ہیں۔ مزید "
            "⟦24 GP⟧ پریکٹسز اور ⟦4 PCNs⟧ ویسٹ برمنگھم کے علاقے کا احاطہ کرتے ہیں۔",
        ),
        (
            "ur",
            "kb",
            "icb_when_established",
            "منصوبے میں کہا گیا تھا کہ انٹیگریٹڈ کیئر بورڈ (⟦ICB⟧) ⟦1 April 2022⟧ سے "
            "“⟦shadow form⟧” (قانونی اختیارات ملنے سے پہلے آزمائشی طور پر کام کرنے کا طریقہ) میں "
            "کام کرے گا۔ پھر اسے ⟦1 July 2022⟧ کو قانونی طور پر قائم ہونا تھا، اس بات پر منحصر کہ "
            "پارلیمنٹ ضروری قانون منظور کرتی ہے یا نہیں۔",
        ),
        (
            "ar",
            "kb",
            "partners_councils_which",
            "هناك مجلسان بلديان شريكان في ⟦Birmingham and Solihull Integrated Care System (ICS): "
            "Birmingham City Council⟧ و⟦Solihull Metropolitan Borough Council⟧.",
        ),
        (
            "ar",
            "kb",
            "icp_what_is",
            "شراكة الرعاية المتكاملة (⟦Integrated Care Partnership, ICP⟧) هي إحدى هيئتين جديدتين "
            "قال ⟦Birmingham and Solihull Integrated Care System (ICS)⟧ إنه سينشئهما، إلى جانب "
            "مجلس الرعاية المتكاملة (⟦Integrated Care Board, ICB⟧). ومع الوقت، سيحلّ ⟦ICB⟧ "
            "و⟦ICP⟧ محلّ مجلس نظام الرعاية المتكاملة الحالي (⟦Integrated Care System Board⟧). "
            "ولا تذكر خطة ⟦ICS⟧ المزيد عمّا ستقوم به ⟦ICP⟧.",
        ),
        (
            "ar",
            "responses",
            "utter_urgent_care",
            "إذا كانت حياة شخص ما في خطر، فاتصل بالرقم ⟦999⟧ الآن. إذا كنت بحاجة إلى مساعدة طبية "
            "سريعة لكن الحالة ليست طارئة، فاتصل بـ ⟦NHS 111⟧: الخدمة مجانية ومتاحة على مدار ⟦24⟧ "
            "ساعة. أنا روبوت محادثة ولا يمكنني تقديم نصائح طبية.",
        ),
    ],
    ids=["ur crisis", "ur gp practices", "ur icb dates", "ar councils", "ar icp", "ar urgent"],
)
def test_each_left_to_right_run_of_a_real_sentence_is_isolated(code, section, key, expected):
    texts = curated(code)
    assert texts is not None
    original = getattr(texts, section)[key].text
    assert isolate_left_to_right(original) == marked(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bracket stays in a run only with its partner, so brackets pair as written.
        (
            "ماخذ: Our Plan (Birmingham and Solihull ICS)",
            "ماخذ: ⟦Our Plan (Birmingham and Solihull ICS)⟧",
        ),
        (
            "1) Subsidiarity (مقامی فیصلہ سازی): فیصلے",
            "⟦1⟧) ⟦Subsidiarity⟧ (مقامی فیصلہ سازی): فیصلے",
        ),
        ("(BSOL) ICS کا", "(⟦BSOL⟧) ⟦ICS⟧ کا"),
        # Arabic-script punctuation belongs to the sentence, even between two English names.
        ("(Integrated Care System، ICS) کسی", "(⟦Integrated Care System⟧، ⟦ICS⟧) کسی"),
        # A sign written against its number stays with it.
        (
            "£1.5 اور 50% اور +44 121 اور B15 2TT",
            "⟦£1.5⟧ اور ⟦50%⟧ اور ⟦+44 121⟧ اور ⟦B15 2TT⟧",
        ),
        # A run never crosses a line break.
        ("معذرت:\nThe ICS is a partnership.", "معذرت:\n⟦The ICS is a partnership⟧."),
    ],
    ids=["title in brackets", "numbered list", "bracketed name", "arabic comma", "signs", "lines"],
)
def test_brackets_signs_and_line_breaks(text, expected):
    assert isolate_left_to_right(text) == marked(expected)


def test_text_already_isolated_is_not_isolated_again():
    assert isolate_left_to_right(marked("⟦NHS 111⟧ پر")) == marked("⟦NHS 111⟧ پر")
    assert isolate_left_to_right(marked("⟦open اور\nnext")) == marked("⟦open اور\n⟦next⟧")


def test_text_with_no_left_to_right_run_is_unchanged():
    assert isolate_left_to_right("السلام علیکم!") == "السلام علیکم!"


@pytest.mark.parametrize("code", RIGHT_TO_LEFT)
def test_every_curated_text_is_isolated_once_and_loses_nothing(code):
    for text in every_text(code):
        isolated = isolate_left_to_right(text)
        assert isolate_left_to_right(isolated) == isolated
        assert without_isolates(isolated) == text
        assert isolated.count(FSI) == isolated.count(PDI)


@pytest.mark.parametrize("code", RIGHT_TO_LEFT)
def test_the_safety_numbers_stay_whole_and_in_order(code):
    texts = curated(code)
    assert texts is not None
    for key in ("utter_emergency", "utter_crisis", "utter_urgent_care", "utter_no_medical_advice"):
        text = texts.responses[key].text
        isolated = isolate_left_to_right(text)
        found = [s for s in sorted(SIGNPOSTS, key=lambda s: text.find(s)) if s in text]
        assert found, (code, key)
        assert sorted(found, key=isolated.index) == found, (code, key)  # whole, in order
        assert all(inside_an_isolate(isolated, s) for s in found), (code, key)


def inside_an_isolate(text: str, part: str) -> bool:
    """Whether every occurrence of ``part`` in ``text`` is inside an FSI ... PDI."""
    starts = [i for i in range(len(text)) if text.startswith(part, i)]
    return all(text[:i].rfind(FSI) > text[:i].rfind(PDI) for i in starts)
