import pytest

from salesdesk.customers.models import Customer
from salesdesk.imports import selectors, services
from salesdesk.imports.models import ImportJob
from salesdesk.products.models import Product
from tests.imports.conftest import run

PRODUCTS = "external_id,code,name,list_price\nP1,C1,Alpha,100\nP2,C2,Beta,abc\nP3,C3,Gamma,300\n"
GOOD = "external_id,code,name,list_price\nP1,C1,Alpha,100\nP3,C3,Gamma,300\n"


def _errors(job):
    return [
        (e["row"], e["column"], e["value"], e["reason"])
        for e in selectors.report_lines(job, severity="error")
    ]


def test_one_bad_row_means_nothing_is_written_and_every_bad_row_is_reported(org):
    job = run(org.manager, "products", PRODUCTS)
    assert job.status == "failed" and Product.objects.count() == 0
    assert _errors(job) == [(3, "list_price", "abc", "not a number")]


def test_partial_writes_the_good_rows(org):
    job = run(org.manager, "products", PRODUCTS, partial=True)
    assert job.status == "partial" and (job.created_count, job.error_count) == (2, 1)
    assert set(Product.objects.values_list("external_id", flat=True)) == {"P1", "P3"}


def test_dry_run_writes_nothing(org):
    job = run(org.manager, "products", GOOD, dry_run=True)
    assert job.status == "succeeded" and job.created_count == 2 and Product.objects.count() == 0


def test_reimport_updates_and_never_duplicates(org):
    run(org.manager, "products", GOOD)
    job = run(org.manager, "products", GOOD.replace("Alpha,100", "Alpha,150"))
    assert (job.created_count, job.updated_count) == (0, 2)
    assert Product.objects.count() == 2
    product = Product.objects.get(external_id="P1")
    assert (product.list_price, product.version) == (150, 2)


def test_imported_and_reimported_records_keep_their_history(org):
    first = run(org.manager, "products", GOOD)
    second = run(org.manager, "products", GOOD.replace("Alpha,100", "Alpha,150"))
    product = Product.objects.get(external_id="P1")
    history = list(
        product.history.order_by("history_id").values_list(
            "history_type", "list_price", "version", "history_user", "history_change_reason"
        )
    )
    assert history == [
        ("+", 100, 1, org.manager.pk, f"import #{first.pk}"),
        ("~", 150, 2, org.manager.pk, f"import #{second.pk}"),
    ]
    assert Product.history.count() == 4


def test_the_same_key_twice_in_a_file_is_an_error(org):
    job = run(org.manager, "products", GOOD + "P1,C9,Other,1\n")
    assert _errors(job) == [(4, "external_id", "P1", "the same key is already in row 2")]


def test_missing_required_columns_are_reported(org):
    job = run(org.manager, "products", "external_id,name\nP1,Alpha\n")
    assert job.status == "failed"
    assert {e[1] for e in _errors(job)} == {"code", "list_price"}


def test_gbk_files_with_crlf_read(org):
    content = "external_id,name,industry\r\nK1,华瑞智能,制造\r\n".encode("gbk")
    job = run(org.manager, "customers", content)
    assert job.status == "succeeded"
    assert Customer.objects.get(external_id="K1").name == "华瑞智能"


def test_xlsx_files_read(org, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["external_id", "name", "year_established"])
    workbook.active.append(["X1", "Excel Co", 1999])
    workbook.save(tmp_path / "c.xlsx")
    job = run(org.manager, "customers", (tmp_path / "c.xlsx").read_bytes(), name="c.xlsx")
    assert job.status == "succeeded", job.report
    assert Customer.objects.get(external_id="X1").year_established == 1999


def test_a_manager_cannot_give_records_to_people_outside_their_scope(org):
    job = run(org.manager, "customers", "external_id,name,owner\nK1,One,rep\nK2,Two,other_rep\n")
    assert _errors(job) == [
        (3, "owner", "other_rep", "this person is outside your scope: you may not give them records")
    ]
    assert Customer.objects.count() == 0


def test_records_without_owner_go_to_the_importer(org):
    run(org.manager, "customers", "external_id,name\nK1,One\n")
    assert Customer.objects.get(external_id="K1").owner == org.manager


def test_a_mapping_names_columns_and_aliases(org):
    mapping = {
        "columns": {"external_id": "id", "name": "company", "industry": "sector"},
        "aliases": {"industry": {"technolgy": "technology"}},
    }
    run(org.manager, "customers", "id,company,sector\nK1,One,technolgy\n", mapping=mapping)
    assert Customer.objects.get(external_id="K1").industry == "technology"


def test_a_mapping_for_unknown_fields_is_refused(org):
    from salesdesk.core.errors import BusinessRuleViolation

    with pytest.raises(BusinessRuleViolation):
        services.clean_mapping("customers", {"columns": {"colour": "x"}})


def test_start_import_queues_a_task_that_runs_after_commit(org, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(
            acting_user=org.manager, kind="products", file=ContentFile(GOOD, name="p.csv")
        )
    job = ImportJob.objects.get(pk=job.pk)
    assert (job.status, job.percent, job.created_count) == ("succeeded", 100, 2)


def test_employees_import_builds_regions_teams_and_leaders(org):
    content = "name,boss,office\nAnn Lee,Bo Chen,West\nCy Wu,Bo Chen,West\n"
    mapping = {"columns": {"full_name": "name", "manager": "boss", "region": "office"}}
    job = run(org.director, "employees", content, mapping=mapping)
    assert job.status == "succeeded", job.report
    from salesdesk.org.models import Employee

    ann = Employee.objects.select_related("manager__user", "unit__parent").get(user__full_name="Ann Lee")
    assert ann.manager.user.full_name == "Bo Chen" and ann.manager.position.role == "supervisor"
    assert (ann.unit.name, ann.unit.parent.name) == ("Bo Chen 组", "West")
    assert not ann.user.has_usable_password()
    again = run(org.director, "employees", content, mapping=mapping)
    assert (again.created_count, again.updated_count) == (0, 2)
