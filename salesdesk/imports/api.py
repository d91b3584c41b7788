"""Imports over HTTP: start one (multipart), follow its progress, read its report; mappings."""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Path, Query, Router, Schema, Status, UploadedFile

from salesdesk.core.access import permission
from salesdesk.core.api import ERRORS, MAX_ID, WRITE_ERRORS, InputSchema, Page, PageParams, page_of
from salesdesk.imports import selectors, services
from salesdesk.imports.models import ImportKind, ImportStatus

router = Router(tags=["imports"])
ID = Path(..., ge=1, le=MAX_ID)


class JobOut(Schema):
    id: int
    kind: ImportKind
    file_name: str = Field(..., alias="original_name")
    status: ImportStatus
    dry_run: bool
    partial: bool
    total_rows: int
    processed_rows: int
    percent: int
    created_count: int
    updated_count: int
    error_count: int
    created_by_id: int
    created_at: datetime
    finished_at: datetime | None


class ReportLineOut(Schema):
    row: int | None
    column: str
    value: str
    reason: str
    severity: str


class ReportOut(Schema):
    job: JobOut
    lines: list[ReportLineOut]


class ImportStartIn(InputSchema):
    kind: ImportKind
    mapping_id: int | None = Field(None, ge=1, le=MAX_ID, description="a saved mapping of the same kind")
    dry_run: bool = False
    partial: bool = False


class MappingIn(InputSchema):
    kind: ImportKind
    name: str = Field(..., min_length=1, max_length=100)
    columns: dict[str, str] = Field(default_factory=dict, description="field → column header")
    aliases: dict[str, dict[str, str]] = Field(default_factory=dict, description="field → {in file: to use}")
    defaults: dict[str, str | int | float | bool] = Field(default_factory=dict)
    scales: dict[str, float] = Field(default_factory=dict)


class MappingOut(Schema):
    id: int
    kind: ImportKind
    name: str
    columns: dict[str, Any]
    aliases: dict[str, Any]
    defaults: dict[str, Any]
    scales: dict[str, Any]


@router.post("/jobs", response={201: JobOut, **WRITE_ERRORS}, summary="Start an import (multipart form)")
@permission("imports.run")
def start_import(
    request,
    data: Form[ImportStartIn],
    file: File[UploadedFile],
    mapping: File[UploadedFile] | None = None,
):
    saved = (
        get_object_or_404(selectors.mappings(request.user), pk=data.mapping_id) if data.mapping_id else None
    )
    spec = services.parse_mapping_json(data.kind, mapping.read()) if mapping is not None else None
    job = services.start_import(
        acting_user=request.user,
        kind=data.kind,
        file=file,
        mapping=saved,
        mapping_spec=spec,
        dry_run=data.dry_run,
        partial=data.partial,
    )
    return Status(201, job)


@router.get("/jobs", response={200: Page[JobOut], **ERRORS}, summary="My imports (everyone's for directors)")
@permission("imports.run")
def list_jobs(request, paging: Query[PageParams]):
    return page_of(selectors.jobs(request.user), paging)


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="An import's status and progress")
@permission("imports.view_job")
def get_job(request, job_id: int = ID):
    return get_object_or_404(selectors.jobs(request.user), pk=job_id)


@router.get("/jobs/{job_id}/report", response={200: ReportOut, **ERRORS}, summary="An import's report")
@permission("imports.view_job")
def get_report(request, job_id: int = ID):
    job = get_object_or_404(selectors.jobs(request.user), pk=job_id)
    return {"job": job, "lines": selectors.report_lines(job)}


@router.get("/mappings", response={200: list[MappingOut], **ERRORS}, summary="Saved mappings")
@permission("imports.run")
def list_mappings(request):
    return list(selectors.mappings(request.user))


@router.post("/mappings", response={201: MappingOut, **WRITE_ERRORS}, summary="Save a mapping")
@permission("imports.run")
def save_mapping(request, data: MappingIn):
    spec = data.dict(include={"columns", "aliases", "defaults", "scales"})
    mapping = services.save_mapping(acting_user=request.user, kind=data.kind, name=data.name, spec=spec)
    return Status(201, mapping)
