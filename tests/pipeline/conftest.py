# The browser fixtures of the e2e suite, for test_browser.py.
from tests.e2e.conftest import browser, new_page, page, personas, playwright  # noqa: F401
