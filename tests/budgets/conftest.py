import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English; the zh-Hans catalogue is complete, so the default
    language would answer in Chinese. Pages test both languages."""
    with translation.override("en"):
        yield
