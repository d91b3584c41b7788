from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from salesdesk.imports import services

MAVEN = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "maven-crm"
MAPPINGS = Path(__file__).resolve().parents[2] / "salesdesk" / "imports" / "mappings" / "maven"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):  # reasons are asserted in English; pages test both languages
        yield


@pytest.fixture(autouse=True)
def _uploads_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run(
    user,
    kind: str,
    content: str | bytes,
    *,
    name: str = "data.csv",
    mapping: dict | None = None,
    dry_run: bool = False,
    partial: bool = False,
):
    """Start an import and run it now, as the worker would; returns the finished job."""
    data = content.encode() if isinstance(content, str) else content
    job = services.start_import(
        acting_user=user,
        kind=kind,
        file=ContentFile(data, name=name),
        mapping_spec=mapping,
        dry_run=dry_run,
        partial=partial,
        background=False,
    )
    return services.run_import(job_id=job.pk)
