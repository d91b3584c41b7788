"""The app's URLs, then the scenarios' baseline views. bench.env makes this the URLconf of the
benchmark process only, so a baseline can also be timed through the app's own middleware. The app's
patterns come first and unchanged: the scenarios resolve exactly as in production. (The app's error
handlers are left out: a benchmark call that does not answer 200 stops the run anyway.)"""

from bench import scenarios
from salesdesk import urls as app_urls

urlpatterns = [*app_urls.urlpatterns, *scenarios.urlpatterns]
