"""Which supported language a message is written in, or None when it cannot be told."""

import pytest

from assistant.language import (
    Language,
    Registry,
    analyse,
    default_registry,
    default_romanised,
    detect,
    load_romanised,
)
from assistant.language.detection import ROMANISED_FILE, script_of, tokenise


@pytest.fixture(scope="module")
def registry() -> Registry:
    return default_registry()


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "Hi!",
        "ok",
        "OK",
        "yes",
        "no",
        "thanks",
        "thank you",
        "ok thanks",
        "yes please",
        "GP",
        "NHS 111",
        "nhs 111",
        "A&E",
        "B15 2TT",
        "b15 2tt",
        "my postcode is B15 2TT",
        "Sarah Jones",
        "Muhammad Ali Shah",
        "muhammad ali shah",
        "andrei ion popescu",
        "Łukasz Nowak",
        "Mrs Kaur",
        "Queen Elizabeth Hospital Birmingham",
        "0121 555 0123",
        "12345",
        "12/03/1985",
        "🙂",
        "👍👍👍",
        "?!...",
        "",
        "   ",
        "www.bsol.nhs.uk",
        "someone@example.com",
        "Cześć",
        "Bonjour",
        "shukriya",
        "こんにちは、医者に行きたい",
        "안녕하세요",
        "Γεια σας",
        "வணக்கம்",
        "Hallo, ik heb een dokter nodig voor mijn zoon",
    ],
)
def test_short_ambiguous_or_unsupported_messages_are_not_detected(registry, text):
    assert detect(text, registry) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ਸਤ ਸ੍ਰੀ ਅਕਾਲ", "pa"),
        ("ਹਾਂ", "pa"),
        ("ਮੇਰਾ GP ਕੌਣ ਹੈ?", "pa"),
        ("ধন্যবাদ", "bn"),
        ("NHS 111 কি?", "bn"),
        ("你好", "zh"),
        ("ICS 是什么？", "zh"),
        ("我想預約家庭醫生", "zh"),
        ("नमस्ते", "hi"),
        ("मैं अपने जीपी से कैसे मिल सकता हूँ?", "hi"),
        ("کیا حال ہے", "ur"),
        ("GP کیا ہے", "ur"),
        ("شکریہ", "ur"),
        ("سلام", "ur"),
        ("ما هو نظام الرعاية المتكاملة؟", "ar"),
        ("شكرا جزيلا", "ar"),
        ("السلام عليكم", "ar"),
        ("چطور می‌توانم نزد پزشک عمومی ثبت نام کنم؟", "fa"),
        ("Як я можу зареєструватися у сімейного лікаря?", "uk"),
        ("Дякую", "uk"),
        ("Как мне записаться к семейному врачу?", "ru"),
        ("Спасибо", "ru"),
    ],
)
def test_non_latin_scripts(registry, text, code):
    assert detect(text, registry) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("How many GP practices are there in Birmingham and Solihull?", "en"),
        ("I NEED A DOCTOR FOR MY SON", "en"),
        ("Ile przychodni lekarskich jest w Birmingham i Solihull?", "pl"),
        ("Potrzebuję wizyty u lekarza", "pl"),
        ("Dzień dobry", "pl"),
        ("Cum mă pot înregistra la un cabinet medical?", "ro"),
        ("Bună ziua", "ro"),
        ("Immisa dhakhtar ayaa ku jira Birmingham?", "so"),
        ("Waxaan u baahanahay inaan arko dhakhtar", "so"),
        ("Bonjour, je voudrais savoir comment m'inscrire chez un médecin généraliste.", "fr"),
        ("Hola, quiero saber cómo registrarme con un médico de cabecera.", "es"),
        ("Olá, gostaria de saber como me registar num médico de família.", "pt"),
        ("Buongiorno, vorrei sapere come iscrivermi da un medico di base.", "it"),
        ("Guten Tag, wie kann ich mich bei einem Hausarzt anmelden?", "de"),
        ("Merhaba, aile hekimine nasıl kayıt olabilirim?", "tr"),
        # English words around names langdetect does not know
        ("moseley medical centre pcn?", "en"),
        ("is the limes medical centre in small heath pcn", "en"),
        # too short for langdetect: told by question words only one language uses
        ("Qui préside l'ICS ?", "fr"),
        ("¿Quién preside el ICS?", "es"),
        ("Quem preside o ICS?", "pt"),
        ("Chi presiede l'ICS?", "it"),
        ("Wer leitet das ICS?", "de"),
        ("ICS nedir?", "tr"),
        ("Cine conduce ICS?", "ro"),
        ("Kto kieruje ICB?", "pl"),
        ("ICS waa maxay", "so"),
    ],
)
def test_latin_script_languages(registry, text, code):
    assert detect(text, registry) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mujhe apne GP se baat karni hai", "ur"),
        ("ICS kya hai?", "ur"),
        ("Birmingham mein kitne GP practices hain?", "ur"),
        ("kya aap meri madad kar sakte hain", "ur"),
        ("mujhe appointment chahiye for my son", "ur"),
        ("tuhada GP kithe hai", "pa"),
        ("mainu doctor nu milna hai", "pa"),
        ("tusi meri madad kar sakde ho", "pa"),
        ("mere bache nu bukhar hai", "pa"),
        ("Sat sri akal ji", "pa"),
    ],
)
def test_roman_urdu_and_punjabi(registry, text, code):
    assert detect(text, registry) == code


@pytest.mark.parametrize(
    "text",
    [
        "Nu se poate face asta astăzi la cabinet",  # Romanian "nu", "se"
        "Mein Sohn ist krank und hat Fieber",  # German "mein"
        "Hooyaday way xanuunsan tahay, ka caawi",  # Somali "ka"
        "My mother has dard in her chest and bukhar since yesterday",
    ],
)
def test_other_languages_are_not_taken_for_roman_urdu_or_punjabi(registry, text):
    assert detect(text, registry) not in {"ur", "pa"}


def test_detection_is_the_same_every_time(registry):
    texts = ["Hola, necesito ver a un médico", "سلام", "Sidee baan isku diiwaan geliyaa GP?"]
    first = [detect(text, registry) for text in texts]
    for _ in range(20):
        assert [detect(text, registry) for text in texts] == first


@pytest.mark.parametrize(
    ("text", "code", "script", "strong"),
    [
        ("ਹਾਂ", "pa", "Gurmukhi", True),
        ("你好", "zh", "Han", True),
        ("کیا حال ہے", "ur", "Arabic", True),  # letters only Urdu uses
        ("شكرا", "ar", "Arabic", True),  # letters only Arabic uses
        ("سلام", "ur", "Arabic", False),  # shared by Urdu, Arabic and Persian
        ("Спасибо", "ru", "Cyrillic", False),
        ("Привіт, мені потрібен лікар", "uk", "Cyrillic", True),
        ("Dzień dobry", "pl", "Latin", False),
        ("mera GP kaun hai", "ur", "Latin", False),
        ("mujhe apne GP se baat karni hai", "ur", "Latin", True),
        ("mera naam Ali hai", "ur", "Latin", False),  # no word only Urdu or Punjabi uses
        ("Can you tell me how many GP practices there are?", "en", "Latin", True),
    ],
)
def test_how_strong_a_detection_is(registry, text, code, script, strong):
    found = analyse(text, registry)
    assert found is not None
    assert (found.language, found.script, found.strong) == (code, script, strong)


def test_only_the_registry_languages_are_detected():
    registry = Registry(
        languages=(
            Language("en", "English", "English", "Latin", "ltr", "en", 1),
            Language("ar", "Arabic", "العربية", "Arabic", "rtl", "ar", 1),
        )
    )
    assert detect("کیا حال ہے", registry) == "ar"  # the only Arabic-script language
    assert detect("ਸਤ ਸ੍ਰੀ ਅਕਾਲ", registry) is None
    assert detect("mujhe apne GP se baat karni hai", registry) != "ur"
    assert detect("Ile przychodni lekarskich jest w Birmingham i Solihull?", registry) is None


@pytest.mark.parametrize(
    ("char", "script"),
    [("a", "Latin"), ("ș", "Latin"), ("ب", "Arabic"), ("ی", "Arabic"), ("ਸ", "Gurmukhi")]
    + [("ব", "Bengali"), ("中", "Han"), ("ж", "Cyrillic"), ("न", "Devanagari"), ("あ", "Kana")]
    + [("한", "Hangul"), ("α", "Greek"), ("ඔ", "Other")],
)
def test_scripts_of_letters(char, script):
    assert script_of(char) == script


def test_words_keep_their_marks_and_apostrophes():
    assert [t.text for t in tokenise("don't বাংলায় 2TT 中文!")] == [
        "don't",
        "বাংলায়",
        "TT",
        "中",
        "文",
    ]


def test_the_romanised_word_lists():
    romanised = load_romanised(ROMANISED_FILE)
    assert romanised == default_romanised()
    assert set(romanised.anchors) == {"ur", "pa"}
    assert {"hai", "nahi", "mujhe", "kya", "kaise", "mera", "aap"} <= romanised.anchors["ur"]
    assert {"tuhada", "mainu", "kithe"} <= romanised.anchors["pa"]
    assert {"ki", "ke", "se"} <= romanised.words("ur") and "nu" in romanised.words("pa")
    assert set(romanised.anchors) <= set(default_registry().codes)
    common = {"main", "to", "is", "us", "the", "a", "in", "me", "de", "se", "nu", "mein", "ka"}
    for code in romanised.anchors:
        assert not romanised.anchors[code] & common, code


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a mapping"),
        ("ur: [hai]\n", "language 'ur': expected a non-empty 'anchors' list"),
        ("ur: {anchors: []}\n", "language 'ur': expected a non-empty 'anchors' list"),
        ("ur: {anchors: [hai, 3]}\n", "language 'ur'"),
        ("pa: {anchors: [tuhada], support: nu}\n", "language 'pa': 'support' must be a list"),
    ],
)
def test_invalid_romanised_word_lists_are_rejected(tmp_path, text, message):
    path = tmp_path / "romanised.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_romanised(path)


def test_question_words_listed_twice_or_used_in_english_count_for_no_language(tmp_path):
    from assistant.language.detection import load_question_words

    path = tmp_path / "words.yml"
    path.write_text("fr: [qui, une, come]\nit: [chi, una, come]\nes: [una, quién]\n", "utf-8")
    words = load_question_words(path, english=frozenset({"come"}))
    assert words == {"fr": {"qui", "une"}, "it": {"chi"}, "es": {"quién"}}


def test_invalid_question_words_are_rejected(tmp_path):
    from assistant.language.detection import load_question_words

    path = tmp_path / "words.yml"
    path.write_text("fr: qui\n", encoding="utf-8")
    with pytest.raises(ValueError, match="words.yml: expected a mapping"):
        load_question_words(path)
