"""The page in Chinese, in Chromium at locale zh-CN: every tab, the Train button, a refusal; screenshots of both.

Screenshots go to tests/screenshots/i18n-<lang>-<tab>-<desktop|phone>.png (the Train tab at desktop and phone
width in both languages, every tab in Chinese at desktop width). Look at them: Debian's Chromium needs
fonts-noto-cjk for the Chinese (.ci/run installs it), or every character is a box.
"""

import re

import pytest
from playwright.sync_api import expect

from playground import i18n
from tests.test_i18n_scan import NOT_YET_CONVERTED

def tab_ids() -> list[str]:
    from app import TABS

    return [tab_id for tab_id, _ in TABS]


TAB_IDS = tab_ids()


def converted(tab_id: str) -> bool:
    """Whether the tab's module is done (not in the scan's NOT_YET_CONVERTED): then its page must be Chinese."""
    from app import TABS

    module = dict(TABS)[tab_id]
    return module.replace(".", "/") + ".py" not in NOT_YET_CONVERTED
CHINESE = re.compile(r"[\u4e00-\u9fff]")
DESKTOP, PHONE = {"width": 1400, "height": 1000}, {"width": 390, "height": 844}


def open_page(browser, app_url, locale, viewport=DESKTOP, query=""):
    context = browser.new_context(locale=locale, viewport=viewport)
    page = context.new_page()
    page.goto(app_url + query)
    page.wait_for_selector("button[role=tab]", timeout=60_000)
    return context, page


def tab_titles(page) -> list[str]:
    return [tab.inner_text().strip() for tab in page.locator("button[role=tab]").all()][:len(TAB_IDS)]


def wait_until_loaded(page):
    """The Train tab's page-load hooks have run: the model summary is in the status line."""
    page.locator("#train-status").get_by_text(re.compile("device|设备")).wait_for(timeout=90_000)


def test_every_tab_is_in_chinese(browser, app_url, screenshot_dir):
    context, page = open_page(browser, app_url, "zh-CN")
    try:
        assert tab_titles(page) == [i18n.t(f"app.tab.{tab}", lang="zh-CN") for tab in TAB_IDS]
        wait_until_loaded(page)
        english = []
        for tab_id in TAB_IDS:
            page.locator("button[role=tab]").nth(TAB_IDS.index(tab_id)).click()
            panel = page.locator(f"#tab-{tab_id}")
            panel.wait_for(state="visible", timeout=30_000)
            page.wait_for_timeout(800)
            text = panel.inner_text()
            page.screenshot(path=str(screenshot_dir / f"i18n-zh-CN-{tab_id}-desktop.png"), full_page=True)
            if len(CHINESE.findall(text)) < 10:
                english.append(tab_id)
        print(f"\ntabs still in English (their modules are being converted): {english}")
        assert [tab for tab in english if converted(tab)] == []
        system = page.locator("#tab-system")
        assert i18n.t("system.refresh", lang="zh-CN") in system.inner_text()
    finally:
        context.close()


def test_every_tab_fits_a_phone_in_chinese(browser, app_url, screenshot_dir):
    """Chinese runs longer than English in places (no spaces to break at): nothing may run off a phone's side."""
    context, page = open_page(browser, app_url, "zh-CN", PHONE)
    try:
        wait_until_loaded(page)
        wide = []
        for tab_id in TAB_IDS:
            button = page.locator(f"#tab-{tab_id}-button")
            if button.count() and button.is_visible():
                button.click()
            else:  # a phone folds the tabs that don't fit into the "more tabs" menu
                page.locator(".overflow-menu > button").click()
                title = i18n.t(f"app.tab.{tab_id}", lang="zh-CN")
                page.locator(".overflow-dropdown button").get_by_text(title, exact=True).click()
            page.locator(f"#tab-{tab_id}").wait_for(state="visible", timeout=30_000)
            page.wait_for_timeout(800)
            page.screenshot(path=str(screenshot_dir / f"i18n-zh-CN-{tab_id}-phone.png"), full_page=True)
            if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"] + 1:
                wide.append(tab_id)
        assert wide == [], "these tabs run off the side of a phone"
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_train_tab_in_both_languages_at_desktop_and_phone_width(browser, app_url, screenshot_dir, locale):
    lang = i18n.normalise(locale)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context, page = open_page(browser, app_url, locale, viewport)
        try:
            wait_until_loaded(page)
            tab = page.locator("#tab-train")
            assert i18n.t("train.dataset.label", lang=lang) in tab.inner_text()
            assert i18n.t("config.TrainConfig.lr.label", lang=lang) in tab.inner_text()
            page.wait_for_timeout(500)
            page.screenshot(path=str(screenshot_dir / f"i18n-{lang}-train-{name}.png"), full_page=True)
            # nothing runs off the side of a phone: the page is no wider than its window
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        finally:
            context.close()


def test_train_works_in_chinese_and_a_refusal_comes_back_in_chinese(browser, app_url, screenshot_dir, monkeypatch):
    context, page = open_page(browser, app_url, "zh-CN")
    try:
        wait_until_loaded(page)
        tab = page.locator("#tab-train")
        tab.locator("#train-button").click()
        status = tab.locator("#train-status")
        status.get_by_text(re.compile("用时 .* 秒")).wait_for(timeout=120_000)
        assert "个参数" in status.inner_text()
        page.wait_for_function("() => document.querySelectorAll('#tab-train .js-plotly-plot').length >= 3",
                               timeout=30_000)
        page.screenshot(path=str(screenshot_dir / "i18n-zh-CN-train-trained-desktop.png"), full_page=True)
        # Gradio's footer gains a link to the runs kept in this browser; its own Chinese lacks the word
        expect(page.locator("footer")).to_contain_text(i18n.t("common.runs", lang="zh-CN"), timeout=30_000)
        assert "Runs" not in page.locator("footer").inner_text()
        # the host allows fewer epochs than the 20 asked: the refusal is the catalogue's Chinese sentence
        monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "5")
        tab.locator("#train-button").click()
        refusal = page.get_by_text(re.compile("本应用每个任务最多允许 5"))
        refusal.first.wait_for(timeout=60_000)
        refusal.first.scroll_into_view_if_needed()
        page.wait_for_timeout(600)  # the toast slides in
        print(f"\nthe refusal on the page: {refusal.first.inner_text()!r} at {refusal.first.bounding_box()}")
        page.screenshot(path=str(screenshot_dir / "i18n-zh-CN-refusal-desktop.png"))
    finally:
        context.close()


def test_empty_tables_have_headers_in_the_visitors_language(browser, app_url):
    """The VAE runs table, the transfer results table and the My runs table, before anything fills them: their
    headers were fixed in English when the page was built; a page-load hook gives them the visitor's words."""
    from playground.ui import my_runs, transfer_tab, vae_live

    tables = {"vae": ("#vae-runs", vae_live.comparison_headers), "transfer": ("#transfer-table",
              transfer_tab.table_headers), "my-runs": ("#my-runs-table", my_runs.columns)}
    context, page = open_page(browser, app_url, "zh-CN")
    try:
        wait_until_loaded(page)
        page.wait_for_timeout(1500)  # every page-load hook has answered
        for tab_id, (table, headers) in tables.items():
            page.locator("button[role=tab]").nth(TAB_IDS.index(tab_id)).click()
            page.locator(table).wait_for(state="visible", timeout=30_000)
            shown = page.locator(f"{table} thead th").all_inner_texts()
            shown = [text.strip() for text in shown if text.strip()]
            assert shown[:len(headers("zh-CN"))] == headers("zh-CN"), tab_id
            # the table's toolbar: Gradio's fixed English tooltips get the catalogue's words
            copy = page.locator(f"{table} button[title]").first
            expect(copy).to_have_attribute("title", i18n.t("app.gradio.copy_table", lang="zh-CN"))
            assert page.locator("[title='Copy table data'], [aria-label='Fullscreen']").count() == 0
    finally:
        context.close()


def test_the_refusal_toast_is_titled_in_the_visitors_language(browser, app_url, monkeypatch):
    """Gradio's toast prints its own English word for the kind of message ("Error") over the title the server
    sends; the page's script gives it the catalogue's word, and the close button's label too."""
    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "5")
    for locale in ("zh-CN", "en-US"):
        lang = i18n.normalise(locale)
        context, page = open_page(browser, app_url, locale)
        try:
            wait_until_loaded(page)
            page.locator("#tab-train #train-button").click()
            toast = page.locator("[data-testid=toast-body].error").first
            toast.wait_for(timeout=60_000)
            expect(toast.locator(".toast-title")).to_have_text(i18n.t("app.toast.error", lang=lang))
            expect(toast.locator("[data-testid=toast-close]")).to_have_attribute(
                "aria-label", i18n.t("app.toast.close", lang=lang))
            sentence = i18n.catalogue(lang)["errors.limits.reached"].split("{most}")[0]
            assert sentence in toast.inner_text()
        finally:
            context.close()


def test_the_switch_overrides_the_browser_and_the_address_keeps_it(browser, app_url):
    context, page = open_page(browser, app_url, "en-US")
    try:
        assert tab_titles(page)[0] == "Train"
        page.locator("#language-switch").get_by_text("中文").click()
        page.wait_for_url(re.compile(r"[?&]lang=zh-CN"), timeout=30_000)
        page.wait_for_selector("button[role=tab]", timeout=60_000)
        page.wait_for_function("() => document.querySelector('button[role=tab]').innerText.trim() === '训练'",
                               timeout=30_000)
        shared = page.url
    finally:
        context.close()
    context, page = open_page(browser, shared, "en-US")  # the shared address, in an English browser
    try:
        assert tab_titles(page)[0] == "训练"
        # the switch is set by a page-load hook, which can land a moment after the page is drawn in Chinese
        page.wait_for_function("() => document.querySelector(\"#language-switch input[value='zh-CN']\").checked",
                               timeout=30_000)
    finally:
        context.close()
