"""The scenarios, registered with bench.harness on import. Add a module here and to the list below."""

from bench.scenarios import employee_list_api

# The hand-written baseline views, mounted after the app's URLs by bench/urls.py.
urlpatterns = [*employee_list_api.urlpatterns]
