"""A class in Chromium: one teacher and three students, each in a browser context of their own.

The teacher creates a class; each student opens the join link (it fills the
code and opens the Class tab), joins with a nickname (one of them an HTML and
Markdown injection), trains a few epochs in the Train tab and sees the run
posted; the teacher's live board then shows three rows with their scores,
the injected name as plain characters. The teacher link opens the board in a
fresh browser from its fragment, which never reaches the server: no request
URL holds the token, and it leaves the address bar. Screenshots:
tests/screenshots/class-*.png (desktop board, projector mode, a student's
phone).
"""

import re

import pytest

from tests.browser_helpers import fill_until_kept

INJECTED = "<img src=x onerror=alert(1)>**bold**"
STUDENTS = [("ada", 0.1), ("grace", 0.01), (INJECTED, 0.003)]
DESKTOP, PHONE = {"width": 1400, "height": 1000}, {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def room_for_the_injected_nickname(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_NICKNAME_CHARS", "40")


@pytest.fixture
def fresh_store(tmp_path):
    from playground.store import db

    previous = db.use(db.open_store(f"sqlite:///{tmp_path / 'runs.db'}"))
    yield db.store()
    db.use(previous).engine.dispose()


class Visitor:
    """One person's browser: a context, its page, every URL it requested and every error it logged."""

    def __init__(self, browser, viewport):
        self.context = browser.new_context(viewport=viewport, device_scale_factor=1)
        self.page = self.context.new_page()
        self.urls, self.errors = [], []
        self.page.on("request", lambda request: self.urls.append(request.url))
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_selector("button[role=tab]", timeout=60_000)
        return self

    def tab(self, name):
        button = self.page.get_by_role("tab", name=name, exact=True)
        if not button.is_visible():
            self.page.get_by_role("button", name="More tabs").click()
            self.page.locator(".overflow-dropdown button", has_text=name).first.click()
        else:
            button.click()
        panel = self.page.locator(f"#tab-{name.lower().replace(' ', '-')}")
        panel.wait_for(state="visible", timeout=30_000)
        return panel

    def box(self, elem_id):
        return self.page.locator(f"#{elem_id}").locator("textarea, input").first

    def wait_text(self, elem_id, text, timeout=120_000):
        self.page.locator(f"#{elem_id}").get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_a_teacher_and_three_students(browser, app_url, fresh_store, screenshot_dir):
    teacher = Visitor(browser, DESKTOP).open(app_url)
    people = [teacher]
    try:
        panel = teacher.tab("Class")
        panel.get_by_text("I am a teacher: create a class").click()
        teacher.box("class-title").fill("Moons, week 3")
        teacher.page.locator("#class-create").click()
        teacher.wait_text("class-teacher-status", "created")
        join_link, teacher_link = teacher.box("class-join-link").input_value(), teacher.box("class-teacher-link") \
            .input_value()
        code, token = join_link.split("?join=")[1], teacher_link.split("#teacher=")[1]
        assert len(token) >= 43 and token != code

        students = []
        for number, (nickname, lr) in enumerate(STUDENTS):
            visitor = Visitor(browser, PHONE if number == 2 else DESKTOP).open(join_link)
            people.append(visitor)
            visitor.page.locator("#class-join-code").wait_for(state="visible", timeout=30_000)  # the link opened it
            assert visitor.box("class-join-code").input_value() == code
            visitor.box("class-nickname").fill(nickname)
            visitor.page.locator("#class-join").click()
            visitor.wait_text("class-join-status", "You are in")
            train = visitor.tab("Train")
            train.get_by_text("Decision boundary").wait_for(timeout=60_000)
            fill_until_kept(train.get_by_label("number input for Epochs", exact=True), 5)
            fill_until_kept(train.get_by_label("Learning rate", exact=True), lr)
            train.get_by_role("button", name="Train", exact=True).click()
            students.append(visitor)
        for visitor in students:
            visitor.wait_text("train-status", "Posted to the class", timeout=240_000)

        # the teacher's board, live: three rows, best first, the injected name as its characters
        board = teacher.page.locator("#class-leaderboard")
        teacher.page.wait_for_function("""() => {
            const text = document.querySelector('#class-leaderboard')?.innerText || '';
            return text.includes('ada') && text.includes('grace') && text.includes('**bold**'); }""", timeout=60_000)
        teacher.wait_text("class-counts", "3 joined")
        text = board.inner_text()
        scores = [float(s) for s in re.findall(r"\b(?:0\.\d+|1(?:\.0+)?)\b", text) if 0.4 < float(s) <= 1]
        assert len(scores) >= 3, text
        assert "<img src=x onerror=alert(1)>**bold**" in text and teacher.page.locator("img[src='x']").count() == 0
        teacher.page.wait_for_timeout(800)
        teacher.page.screenshot(path=str(screenshot_dir / "class-board-desktop.png"), full_page=True)

        # the teacher link in a fresh browser: the board opens from the fragment, which leaves the address bar
        again = Visitor(browser, DESKTOP).open(teacher_link)
        people.append(again)
        again.wait_text("class-counts", "3 joined", timeout=60_000)
        assert token not in again.page.url
        again.page.locator("#class-hide-names").locator("input").click(timeout=120_000)  # after the page's first events
        again.page.wait_for_function("() => document.querySelector('#class-leaderboard')?.innerText"
                                     ".includes('Student 3')", timeout=30_000)
        assert "ada" not in again.page.locator("#class-leaderboard").inner_text()
        again.page.wait_for_timeout(800)
        again.page.screenshot(path=str(screenshot_dir / "class-board-projector.png"), full_page=True)

        # the board's timer runs only while the Class tab is shown
        def refreshes(seconds):
            before = len([url for url in again.urls if "queue/join" in url])
            again.page.wait_for_timeout(seconds * 1000)
            return len([url for url in again.urls if "queue/join" in url]) - before

        again.tab("Train")
        again.page.wait_for_timeout(3000)  # the stop goes through the server's queue, and a tick may be in flight
        assert refreshes(8) <= 1  # a running 2 s timer would make 4
        again.tab("Class")
        assert refreshes(8) >= 1  # back on the tab: it runs again (a busy machine serves a tick every few s)

        # a student's phone: the board (names hidden now) and no teacher controls
        phone = students[2]
        phone.tab("Class")
        phone.page.wait_for_function("() => document.querySelector('#class-leaderboard')?.innerText"
                                     ".includes('Student 1')", timeout=30_000)
        assert not phone.page.locator("#class-close").is_visible()
        phone.page.wait_for_timeout(800)
        phone.page.screenshot(path=str(screenshot_dir / "class-student-phone.png"), full_page=True)

        for person in people:
            assert [url for url in person.urls if token in url] == []  # the token is in no URL: in no access log
            assert person.errors == [], person.errors
        for visitor in students:  # nor on any student's page
            assert token not in visitor.page.content()
    except Exception:
        for number, person in enumerate(people):  # what each person saw when it went wrong
            person.page.screenshot(path=str(screenshot_dir / f"class-failure-{number}.png"), full_page=True)
        raise
    finally:
        for person in people:
            person.context.close()
