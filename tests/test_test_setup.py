"""The test suite's own set-up: scripts/test.sh runs two pytest-xdist workers and keeps every file with a browser
test on one of them (tests/conftest.py decides which files from their source, before pytest collects anything);
this checks that reading against what pytest actually collected, so a new browser test can't slip through."""

from tests.conftest import BROWSER_FIXTURES, browser_files


def test_every_file_with_a_browser_test_is_kept_with_the_others(request):
    collected = {item.nodeid.split("::")[0] for item in request.session.items
                 if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))}
    scanned = browser_files()
    assert collected <= scanned, sorted(collected - scanned)  # a file read as a browser one needlessly only waits
    assert "tests/test_browser_suite.py" in scanned and "tests/test_engine.py" not in scanned
