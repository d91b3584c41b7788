"""Import pages: the job list with the new-import form, a job's progress and report, mappings."""

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation
from salesdesk.core.forms import add_service_error
from salesdesk.core.paging import page_slice
from salesdesk.imports import forms, selectors, services

REPORT_PAGE = 100


@permission("imports.run")
def job_list(request):
    mappings = selectors.mappings(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None, mappings=mappings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spec = (
                services.parse_mapping_json(data["kind"], data["mapping_file"].read())
                if data["mapping_file"]
                else None
            )
            job = services.start_import(
                acting_user=request.user,
                kind=data["kind"],
                file=data["file"],
                mapping=data["mapping"],
                mapping_spec=spec,
                dry_run=data["dry_run"],
                partial=data["partial"],
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Import queued: the page shows its progress."))
            return redirect(job)
    page = page_slice(selectors.jobs(request.user), request.GET.get("page"))
    return render(request, "imports/job_list.html", {"form": form, "page": page, "mappings": mappings})


def _job(request, pk):
    return get_object_or_404(selectors.jobs(request.user), pk=pk)


@permission("imports.view_job")
def job_detail(request, pk):
    job = _job(request, pk)
    lines = selectors.report_lines(job)
    context = {
        "job": job,
        "page": page_slice(lines, request.GET.get("page"), REPORT_PAGE),
        "error_lines": sum(1 for line in lines if line["severity"] == "error"),
        "warning_lines": sum(1 for line in lines if line["severity"] == "warning"),
    }
    template = "imports/_job_status.html" if request.htmx else "imports/job_detail.html"
    return render(request, template, context)


@permission("imports.view_job")
def job_report(request, pk):
    job = _job(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    response.write("\ufeff")  # a BOM, so Excel opens UTF-8 Chinese text correctly
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Reason"), _("Severity")])
    for line in selectors.report_lines(job):
        severity = _("Error") if line["severity"] == "error" else _("Warning")
        writer.writerow([line["row"] or "", line["column"], line["value"], line["reason"], severity])
    return response


@permission("imports.run")
def mapping_list(request):
    form = forms.MappingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spec = services.parse_mapping_json(data["kind"], data["mapping_file"].read())
            mapping = services.save_mapping(
                acting_user=request.user, kind=data["kind"], name=data["name"], spec=spec
            )
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Mapping %(name)s saved.") % {"name": mapping.name})
            return redirect("imports:mapping_list")
    return render(
        request, "imports/mapping_list.html", {"form": form, "mappings": selectors.mappings(request.user)}
    )
