"""Organisation pages: fetch-and-authorize, one service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core import access
from salesdesk.core.access import permission
from salesdesk.core.errors import BusinessRuleViolation, StaleVersion
from salesdesk.core.exports import stream_csv
from salesdesk.core.forms import add_service_error
from salesdesk.core.history import record_history
from salesdesk.core.paging import page_slice
from salesdesk.org import forms, selectors, services
from salesdesk.org.models import Role


@permission("core.signed_in")
def home(request):
    user = request.user
    employee = getattr(user, "employee", None)
    reports = []
    if employee is not None:
        reports = selectors.employee_list(user).filter(manager=employee, status="active")
    return render(
        request,
        "org/home.html",
        {
            "employee": employee,
            "profile": user.access_profile,
            "reports": reports,
            "delegations": selectors.delegations_touching(user, timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


def _filters(request) -> tuple[forms.EmployeeFilterForm, selectors.EmployeeFilters]:
    form = forms.EmployeeFilterForm(request.GET or None, units=selectors.units(request.user))
    if form.is_valid():
        data = form.cleaned_data
        return form, selectors.EmployeeFilters(
            q=data["q"],
            unit=data["unit"].pk if data["unit"] else None,
            role=data["role"],
            level=data["level"],
            status=data["status"],
        )
    return form, selectors.EmployeeFilters()


@permission("org.view_org")
def org_chart(request):
    return render(
        request,
        "org/org_chart.html",
        {
            "roots": selectors.org_chart(request.user),
            "can_add_unit": access.can(request.user, "org.manage_units"),
        },
    )


@permission("org.manage_units")
def unit_create(request):
    units = selectors.units(request.user)
    form = forms.UnitForm(request.POST or None, units=units, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(acting_user=request.user, **form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("org:chart")
    return render(request, "org/unit_form.html", {"form": form})


@permission("org.view_org")
def employee_list(request):
    form, filters = _filters(request)
    employees = selectors.employee_list(request.user, filters).select_related("manager__user")
    page = page_slice(employees, request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": request.GET.urlencode(),
        "can_create": access.can(request.user, "org.create_employee"),
    }
    template = "org/_employee_rows.html" if request.htmx else "org/employee_list.html"
    return render(request, template, context)


@permission("org.view_org")
def employee_export(request):
    _form, filters = _filters(request)
    headers = [
        _("Employee number"),
        _("Full name"),
        _("User name"),
        _("Org unit"),
        _("Position"),
        _("Level"),
        _("Direct manager"),
        _("Hire date"),
        _("Status"),
    ]
    return stream_csv(
        "employees.csv",
        headers,
        selectors.employee_list(request.user, filters).select_related("manager__user"),
        lambda e: [
            e.employee_no,
            e.user.full_name,
            e.user.username,
            e.unit.name,
            e.position.get_role_display(),
            e.get_level_display(),
            str(e.manager or ""),
            e.hire_date,
            e.get_status_display(),
        ],
    )


@permission("org.view_org")
def employee_detail(request, pk: int):
    employee = get_object_or_404(selectors.employee_detail_queryset(request.user), pk=pk)
    return render(
        request,
        "org/employee_detail.html",
        {
            "employee": employee,
            "reports": selectors.employee_list(request.user).filter(manager=employee),
            "history": record_history(employee),
            "can_edit": access.can(request.user, "org.change_employee", employee),
            "today": timezone.localdate(),
        },
    )


@permission("org.view_org")
def employee_edit(request, pk: int):
    employee = get_object_or_404(selectors.employee_detail_queryset(request.user), pk=pk)
    access.require(request.user, "org.change_employee", employee)
    initial = {
        "version": employee.version,
        "full_name": employee.user.full_name,
        "email": employee.user.email,
        "phone": employee.phone,
        "unit": employee.unit_id,
        "role": employee.position.role,
        "manager": employee.manager_id,
        "level": employee.level,
        "career_track": employee.career_track,
        "hire_date": employee.hire_date,
        "probation_end": employee.probation_end,
        "status": employee.status,
        "left_on": employee.left_on,
    }
    form = forms.EmployeeForm(
        request.POST or None,
        initial=initial,
        units=selectors.units(request.user),
        managers=selectors.employee_list(request.user).exclude(pk=employee.pk).filter(status="active"),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["position"] = get_object_or_404(selectors.positions(), role=data.pop("role"))
        try:
            services.update_employee(
                acting_user=request.user, employee=employee, expected_version=version, changes=data
            )
        except (BusinessRuleViolation, StaleVersion) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": employee})
            return redirect(employee.get_absolute_url())
    return render(request, "org/employee_form.html", {"form": form, "employee": employee})


@permission("org.create_employee")
def employee_create(request):
    form = forms.EmployeeCreateForm(
        request.POST or None,
        units=selectors.units(request.user),
        managers=selectors.employee_list(request.user).filter(status="active"),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["position"] = get_object_or_404(selectors.positions(), role=data.pop("role"))
        try:
            employee = services.create_employee(acting_user=request.user, **data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        except PermissionDenied:
            form.add_error("unit", _("You cannot add people to that unit."))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": employee})
            return redirect(employee.get_absolute_url())
    return render(request, "org/employee_form.html", {"form": form, "employee": None})


@permission("org.view_org")
def delegation_list(request):
    can_delegate = access.can(request.user, "org.delegate_work")
    form = None
    if can_delegate:
        form = forms.DelegationForm(
            request.POST or None, candidates=selectors.delegation_candidates(request.user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.delegate_work(acting_user=request.user, **form.cleaned_data)
            except BusinessRuleViolation as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The work is handed over for those dates; it returns by itself."))
                return redirect("org:delegation_list")
    elif request.method == "POST":
        access.require(request.user, "org.delegate_work")
    page = page_slice(selectors.delegations(request.user), request.GET.get("page"))
    return render(
        request,
        "org/delegation_list.html",
        {"form": form, "page": page, "today": timezone.localdate(), "can_delegate": can_delegate},
    )


@require_POST
@permission("org.revoke_delegation")
def delegation_revoke(request, pk: int):
    delegation = get_object_or_404(selectors.delegations(request.user), pk=pk)
    try:
        services.revoke_delegation(acting_user=request.user, delegation=delegation)
    except BusinessRuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The delegation was revoked; the work is back with its owner."))
    return redirect("org:delegation_list")


@permission("org.configure_positions")
def position_list(request):
    return render(
        request,
        "org/position_list.html",
        {
            "positions": [
                (p, forms.PositionScopeForm(initial={"data_scope": p.data_scope}))
                for p in selectors.positions()
            ]
        },
    )


@require_POST
@permission("org.configure_positions")
def position_update(request, pk: int):
    position = get_object_or_404(selectors.positions(), pk=pk)
    form = forms.PositionScopeForm(request.POST)
    if form.is_valid():
        services.configure_position(
            acting_user=request.user, position=position, data_scope=form.cleaned_data["data_scope"]
        )
        messages.success(request, _("The data scope of %(position)s was changed.") % {"position": position})
    return redirect("org:position_list")


def _profile_context(request, **extra):
    employee = getattr(request.user, "employee", None)
    return {
        "employee": employee,
        "profile_form": forms.ProfileForm(
            initial={
                "full_name": request.user.full_name,
                "email": request.user.email,
                "phone": employee.phone if employee else "",
                "preferred_language": request.user.preferred_language,
            }
        ),
        "password_form": PasswordChangeForm(request.user),
        "token_form": forms.TokenForm(),
        "tokens": request.user.api_tokens.all(),
        "role_names": dict(Role.choices),
        **extra,
    }


@permission("org.edit_own_profile")
def my_profile(request):
    if request.method == "POST":
        form = forms.ProfileForm(request.POST)
        if form.is_valid():
            services.update_own_profile(acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("Your profile was saved."))
            response = redirect("org:my_profile")
            if form.cleaned_data["preferred_language"]:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["preferred_language"])
            return response
        return render(request, "org/my_profile.html", _profile_context(request, profile_form=form))
    return render(request, "org/my_profile.html", _profile_context(request))


@require_POST
@permission("org.edit_own_profile")
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST)
    if form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("org:my_profile")
    return render(request, "org/my_profile.html", _profile_context(request, password_form=form))


@require_POST
@permission("org.manage_own_tokens")
def token_create(request):
    form = forms.TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.create_api_token(acting_user=request.user, **form.cleaned_data)
        except BusinessRuleViolation as exc:
            add_service_error(form, exc)
        else:
            return render(
                request, "org/my_profile.html", _profile_context(request, new_token=token, new_key=key)
            )
    return render(request, "org/my_profile.html", _profile_context(request, token_form=form))


@require_POST
@permission("org.manage_own_tokens")
def token_revoke(request, pk: int):
    token = get_object_or_404(request.user.api_tokens.all(), pk=pk)
    services.revoke_api_token(acting_user=request.user, token=token)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("org:my_profile")
