"""The scenarios, registered with bench.harness on import. Add a module here and to the list below."""

from bench.scenarios import (  # noqa: F401  (registering is the import's purpose)
    ar_aging,
    attainment,
    collections_workbench,
    employee_list_api,
    import_opportunities,
    opportunity_list_api,
    won_amount_by_employee,
)

# The hand-written baseline views, mounted after the app's URLs by bench/urls.py.
urlpatterns = [*employee_list_api.urlpatterns, *opportunity_list_api.urlpatterns]
