"""The widget in a real browser (Debian's Chromium), on a partner's page, against the assistant.

Each test opens the demo page, served from another origin than the assistant, exactly as a
partner would embed the widget, and drives it as a resident would.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from assistant import launcher
from assistant.launcher import free_port
from assistant.paths import VAR_DIR
from assistant.widget.demo_site import DemoSite, start_demo_site
from tests.browser import axe_violations

pytestmark = pytest.mark.server

SCREENSHOTS = VAR_DIR / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
ANSWER_SECONDS = 30


@pytest.fixture(scope="module")
def partner_site(stack, partner_port) -> Iterator[DemoSite]:
    site = start_demo_site(stack.url, port=partner_port, host="127.0.0.1")
    yield site
    site.stop()


def new_page(browser: Browser, url: str, **context_options) -> Page:
    context = browser.new_context(viewport=DESKTOP, **context_options)
    page = context.new_page()
    errors: list[str] = []
    console: list[str] = []
    page.errors = errors  # type: ignore[attr-defined]
    page.console = console  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto(url)
    return page


def policy_violations(page: Page) -> list[str]:
    """What the demo page's Content-Security-Policy blocked (Chromium says so in the console)."""
    return [line for line in page.console if "Content Security Policy" in line]  # type: ignore


def checked_page(browser: Browser, url: str, **context_options) -> Iterator[Page]:
    page = new_page(browser, url, **context_options)
    yield page
    errors = page.errors  # type: ignore[attr-defined]
    violations = policy_violations(page)
    page.context.close()
    assert not errors, f"the page raised: {errors}"
    assert not violations, f"the page's policy blocked: {violations}"


@pytest.fixture
def page(browser, partner_site) -> Iterator[Page]:
    """The demo page, under its Content-Security-Policy, which must block nothing."""
    yield from checked_page(browser, partner_site.url)


@pytest.fixture
def axe_page(browser, partner_site) -> Iterator[Page]:
    """The demo page with its policy set aside, so axe-core can be injected as a script."""
    yield from checked_page(browser, partner_site.url, bypass_csp=True)


def launcher_button(page: Page) -> Locator:
    return page.locator("#bsol-assistant .launcher")


def panel(page: Page) -> Locator:
    return page.get_by_role("dialog")


def bot_messages(page: Page) -> Locator:
    return page.locator("#bsol-assistant .message.bot:not(.welcome)")


def open_chat(page: Page) -> None:
    launcher_button(page).click()
    expect(panel(page)).to_be_visible()


def ask(page: Page, question: str) -> Locator:
    """Type a question and send it; the first bot message that answers it."""
    before = bot_messages(page).count()
    box = page.locator("#bsol-assistant textarea, #bsol-assistant input[type=text]").first
    box.fill(question)
    box.press("Enter")
    answer = bot_messages(page).nth(before)
    expect(answer).to_be_visible(timeout=ANSWER_SECONDS * 1000)
    return answer


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_a_resident_opens_the_chat_and_gets_an_answer(page):
    expect(launcher_button(page)).to_be_visible()
    expect(launcher_button(page)).to_have_attribute("aria-expanded", "false")
    open_chat(page)
    expect(launcher_button(page)).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#bsol-assistant .welcome")).to_contain_text("In an emergency, call 999")
    expect(page.get_by_text("Please do not share personal or medical details.")).to_be_visible()
    answer = ask(page, "Who chairs the ICS?")
    expect(answer).to_contain_text("Dame Yve Buckland")
    expect(answer).to_contain_text("Source:")
    screenshot(page, "desktop")


def test_the_widget_talks_over_a_websocket_under_the_pages_strict_policy(page):
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    open_chat(page)
    answer = ask(page, "Who chairs the ICS?")
    expect(answer).to_contain_text("Dame Yve Buckland")
    assert any("/socket.io/?EIO=4&transport=websocket" in url for url in sockets), sockets
    # (the page fixture checks that the policy blocked nothing)


def test_an_example_question_is_a_button_that_asks_it(page):
    open_chat(page)
    example = page.locator("#bsol-assistant .quick-replies button").first
    expect(example).to_have_text("What is the Birmingham and Solihull ICS?")
    example.click()
    expect(page.locator("#bsol-assistant .message.user .bubble").last).to_have_text(
        "What is the Birmingham and Solihull ICS?"
    )
    expect(bot_messages(page).first).to_contain_text("Source:", timeout=ANSWER_SECONDS * 1000)


def test_a_reload_keeps_the_conversation_and_its_session(page):
    open_chat(page)
    ask(page, "What is the ICB?")
    page.reload()
    expect(panel(page)).to_be_visible()
    expect(page.locator("#bsol-assistant .message.user .bubble")).to_have_text(["What is the ICB?"])
    expect(bot_messages(page).first).to_contain_text("Integrated Care Board")
    # The server still knows the conversation: "tell me more" follows on from the ICB answer.
    more = ask(page, "tell me more")
    expect(more).not_to_contain_text("not sure")


def test_switching_to_urdu_changes_the_interface_and_replies_at_once(axe_page):
    page = axe_page
    open_chat(page)
    page.get_by_label("Language").select_option("ur")
    root = page.locator("#bsol-assistant [role=dialog]")
    expect(root).to_have_attribute("dir", "rtl")
    expect(root).to_have_attribute("lang", "ur")
    expect(page.get_by_role("button", name="نئے سرے سے شروع کریں")).to_be_visible()
    expect(page.locator("#bsol-assistant .welcome")).to_contain_text("999")
    expect(page.locator("#bsol-assistant .welcome")).to_have_attribute("dir", "rtl")
    answer = ask(page, "What is the ICS?")
    expect(answer).to_have_attribute("lang", "ur")
    expect(answer).to_have_attribute("dir", "rtl")
    expect(answer).to_contain_text("ماخذ")
    screenshot(page, "urdu-rtl")
    assert axe_violations(page) == []


def test_the_widget_is_usable_with_the_keyboard_alone(page):
    page.keyboard.press("Tab")
    expect(launcher_button(page)).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    box = page.locator("#bsol-assistant textarea, #bsol-assistant input[type=text]").first
    expect(box).to_be_focused()
    page.keyboard.type("Who is the Chief Executive of the ICB?")
    page.keyboard.press("Enter")
    expect(bot_messages(page).first).to_be_visible(timeout=ANSWER_SECONDS * 1000)
    for _ in range(25):  # focus stays inside the open panel
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "() => { const root = document.querySelector('#bsol-assistant').shadowRoot;"
            " const active = root.activeElement;"
            " return !!active && !!active.closest('[role=dialog]'); }"
        )
        assert inside
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    expect(launcher_button(page)).to_be_focused()


def test_markup_in_a_message_is_shown_as_text_and_never_runs(page):
    open_chat(page)
    attack = '<img src=x onerror="window.attacked=1">'
    ask(page, attack)
    expect(page.locator("#bsol-assistant .message.user .bubble").last).to_contain_text(attack)
    assert page.locator("#bsol-assistant img").count() == 0
    assert page.evaluate("() => window.attacked") is None


def test_only_web_links_become_links_and_they_open_safely(page):
    open_chat(page)
    ask(page, "see https://www.nhs.uk/ and javascript:alert(1)")
    links = page.locator("#bsol-assistant .message.user .bubble a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://www.nhs.uk/")
    expect(links).to_have_attribute("target", "_blank")
    expect(links).to_have_attribute("rel", "noopener noreferrer")


def test_phone_numbers_are_call_links_and_numbered_lines_a_list(page):
    open_chat(page)
    call = page.locator("#bsol-assistant .welcome .bubble a")
    expect(call).to_have_text("999")
    expect(call).to_have_attribute("href", "tel:999")
    expect(call).not_to_have_attribute("target", "_blank")
    ask(page, '1. The Limes: 0121 459 8525\n2. <img src=x onerror="window.attacked=1"> 0.4 km')
    items = page.locator("#bsol-assistant .message.user .bubble").last.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.first.get_by_role("link")).to_have_attribute("href", "tel:01214598525")
    expect(items.nth(1)).to_have_text('<img src=x onerror="window.attacked=1"> 0.4 km')
    expect(items.nth(1).get_by_role("link")).to_have_count(0)
    assert page.locator("#bsol-assistant img").count() == 0
    assert page.evaluate("() => window.attacked") is None


def test_a_reply_while_closed_shows_an_unread_badge(page):
    open_chat(page)
    page.evaluate("() => { BSOLAssistant.send('What is a PCN?'); BSOLAssistant.close(); }")
    badge = page.locator("#bsol-assistant .badge")
    expect(badge).to_be_visible(timeout=ANSWER_SECONDS * 1000)
    expect(badge).to_contain_text("New message")
    open_chat(page)
    expect(badge).to_be_hidden()


def test_start_again_begins_a_new_conversation(page):
    open_chat(page)
    ask(page, "What is the ICB?")
    page.get_by_role("button", name="Start again").click()
    expect(page.locator("#bsol-assistant .message.user .bubble")).to_have_count(0)
    expect(page.locator("#bsol-assistant .welcome")).to_be_visible()
    # A new session: "tell me more" has nothing to follow on from.
    more = ask(page, "tell me more")
    expect(more).not_to_contain_text("Integrated Care Board (ICB)")


def composer(page: Page) -> Locator:
    return page.locator("#bsol-assistant textarea")


def test_a_message_too_long_stops_at_the_limit_and_the_resident_is_told(axe_page):
    page = axe_page
    open_chat(page)
    box = composer(page)
    notice = page.locator("#bsol-assistant .limit-notice")
    expect(notice).to_have_attribute("aria-live", "polite")
    expect(notice).to_be_empty()
    box.fill("word " * 250)  # 1,250 characters, pasted at once
    expect(notice).to_have_text(
        "You have reached the limit of 1,000 characters for one message. "
        "Please send the rest in another message."
    )
    expect(page.locator("#bsol-assistant .counter")).to_have_text("1,000 of 1,000 characters")
    assert box.input_value() == "word " * 200
    screenshot(page, "too-long")
    assert axe_violations(page) == []
    box.press("x")  # typing goes no further
    assert box.input_value() == "word " * 200
    box.press("Backspace")
    box.press("Backspace")
    expect(notice).to_be_empty()
    expect(page.locator("#bsol-assistant .counter")).to_have_text("998 of 1,000 characters")
    box.press("Enter")
    sent = page.locator("#bsol-assistant .message.user .bubble").last
    expect(sent).to_have_text(("word " * 200)[:998])
    expect(page.locator("#bsol-assistant .counter")).to_be_hidden()


QUICK_QUESTIONS = [
    "What is the ICB?",
    "What is a PCN?",
    "How many GP practices are there?",
    "What is the ICS?",
    "Who is the Chief Executive of the ICB?",
]
# Questions whose answers no other question here gets: when one is shown, all before it are.
STRATEGY = ("What did the strategy presentation cover?", "Dr Varney's talk covered six things")
STRATEGY_LENGTH = ("What is the Integrated Care Strategy?", "10-year plan")
MESSAGES_LIST = "document.querySelector('#bsol-assistant').shadowRoot.querySelector('.messages')"


def answer_with(page: Page, text: str) -> Locator:
    return page.locator("#bsol-assistant .message.bot", has_text=text)


def send_all(page: Page, questions: list[str]) -> None:
    page.evaluate("questions => questions.forEach(q => BSOLAssistant.send(q))", questions)


def test_after_many_quick_messages_the_view_follows_the_newest_answer(page):
    open_chat(page)
    question, answer = STRATEGY_LENGTH
    send_all(page, QUICK_QUESTIONS * 4 + [question])
    expect(answer_with(page, answer)).to_have_count(1, timeout=4 * ANSWER_SECONDS * 1000)
    expect(bot_messages(page).last).to_be_in_viewport(ratio=1)
    expect(answer_with(page, "Source:").first).not_to_be_in_viewport()
    expect(page.get_by_role("button", name="New message")).to_be_hidden()


def test_a_reply_while_the_resident_reads_further_up_waits_behind_a_new_message_button(axe_page):
    page = axe_page
    open_chat(page)
    send_all(page, [*QUICK_QUESTIONS, STRATEGY[0]])
    expect(answer_with(page, STRATEGY[1])).to_have_count(1, timeout=2 * ANSWER_SECONDS * 1000)
    # The resident scrolls back to the start while the next reply is on its way. (The scroll
    # event is sent at once, so the reply cannot come before the widget knows.)
    page.evaluate(
        f"""question => {{
            BSOLAssistant.send(question);
            const list = {MESSAGES_LIST};
            list.scrollTop = 0;
            list.dispatchEvent(new Event("scroll"));
        }}""",
        STRATEGY_LENGTH[0],
    )
    newest = answer_with(page, STRATEGY_LENGTH[1])
    expect(newest).to_have_count(1, timeout=ANSWER_SECONDS * 1000)
    jump = page.get_by_role("button", name="New message")
    expect(jump).to_be_visible()
    expect(newest).not_to_be_in_viewport()
    assert page.evaluate(f"() => {MESSAGES_LIST}.scrollTop") == 0  # left where they were reading
    screenshot(page, "new-message")
    assert axe_violations(page) == []
    jump.click()
    expect(newest).to_be_in_viewport()
    expect(jump).to_be_hidden()
    expect(composer(page)).to_be_focused()


def test_no_accessibility_violations_closed_and_open(axe_page):
    page = axe_page
    assert axe_violations(page) == []
    open_chat(page)
    ask(page, "Who chairs the ICS?")
    assert axe_violations(page) == []


def test_every_control_is_at_least_24_pixels_square(page):
    open_chat(page)
    ask(page, "What is a PCN?")
    controls = page.locator("#bsol-assistant button, #bsol-assistant select")
    for index in range(controls.count()):
        control = controls.nth(index)
        if control.is_visible():
            box = control.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, control.evaluate("e => e.outerHTML")


@pytest.mark.parametrize(
    ("viewport", "name"),
    [
        (PHONE, "phone"),
        ({"width": 320, "height": 568}, None),
        ({"width": 640, "height": 400}, None),  # a 1280×800 screen at 200 % zoom
    ],
)
def test_small_screens_and_200_percent_zoom_get_a_full_screen_panel(
    browser, partner_site, viewport, name
):
    page = new_page(browser, partner_site.url)
    page.set_viewport_size(viewport)
    try:
        open_chat(page)
        ask(page, "How many GP practices are there?")
        box = panel(page).bounding_box()
        if viewport["width"] <= 480:
            assert (box["x"], box["width"]) == (0, viewport["width"])
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        overflow = panel(page).evaluate("e => e.scrollWidth - e.clientWidth")
        assert overflow <= 0
        expect(page.get_by_role("button", name="Send")).to_be_in_viewport()
        if name:
            screenshot(page, name)
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        page.context.close()


def test_reduced_motion_is_respected(page):
    dot = page.locator("#bsol-assistant .typing .dot").first
    animation = "e => getComputedStyle(e).animationName"
    assert dot.evaluate(animation) != "none"
    page.emulate_media(reduced_motion="reduce")
    assert dot.evaluate(animation) == "none"


def test_the_host_page_does_not_move(page):
    """The widget adds no layout shift to the partner's page, loading or opening."""
    expect(launcher_button(page)).to_be_visible()
    open_chat(page)
    shifts = page.evaluate(
        """() => new Promise(done => {
            const values = [];
            new PerformanceObserver(list => list.getEntries().forEach(
                entry => entry.hadRecentInput || values.push(entry.value)
            )).observe({type: "layout-shift", buffered: true});
            setTimeout(() => done(values), 500);
        })"""
    )
    assert sum(shifts) == 0


def test_a_page_from_an_origin_not_allowed_is_refused_and_told_why_once(browser, stack):
    refused = start_demo_site(stack.url, port=0, host="127.0.0.1")
    origin = refused.url.rstrip("/")
    page = new_page(browser, refused.url)
    reason = f"BSOL assistant: This site ({origin}) is not in the assistant's allow-list"

    def told() -> list[str]:
        return [line for line in page.console if reason in line]  # type: ignore[attr-defined]

    try:
        with page.expect_console_message(lambda message: reason in message.text, timeout=30_000):
            open_chat(page)
        alert = page.locator("#bsol-assistant [role=alert]")
        expect(alert).to_contain_text("The assistant is not available right now")
        assert told()[0].startswith("error: ")
        assert "widget.yml" in told()[0]
        page.get_by_role("button", name="Try again").click()
        expect(alert).to_contain_text("The assistant is not available right now")
        assert len(told()) == 1
    finally:
        page.context.close()
        refused.stop()


def test_when_the_server_stops_the_resident_is_told_and_it_recovers(
    browser, trained_model, tmp_path
):
    site_port = free_port()
    with launcher.running(
        model=trained_model, port=free_port(), action_port=free_port(),
        tracker_db=tmp_path / "tracker.db", log_dir=tmp_path / "logs",
        allowed_origins=[f"http://127.0.0.1:{site_port}"],
    ) as stack:  # fmt: skip
        site = start_demo_site(stack.url, port=site_port, host="127.0.0.1")
        page = new_page(browser, site.url)
        try:
            open_chat(page)
            ask(page, "What is the ICB?")
            stack.stop_server("rasa")
            alert = page.locator("#bsol-assistant [role=alert]")
            expect(alert).to_be_visible(timeout=30_000)
            expect(alert).to_contain_text("Connection lost")
            stack.start_server("rasa")
            expect(alert).to_be_hidden(timeout=60_000)
            answer = ask(page, "Who chairs the ICS?")
            expect(answer).to_contain_text("Dame Yve Buckland")
        finally:
            page.context.close()
            site.stop()
