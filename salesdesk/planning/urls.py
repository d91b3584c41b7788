from django.urls import path

from salesdesk.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("<int:pk>/archive/", views.plan_archive, name="plan_archive"),
    path("<int:pk>/targets/new/", views.target_create, name="target_create"),
    path("<int:pk>/export/", views.plan_export, name="plan_export"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("targets/<int:pk>/grid/", views.grid, name="grid"),
    path("targets/<int:pk>/grid/cell/", views.grid_cell, name="grid_cell"),
    path("targets/<int:pk>/grid/split/", views.grid_split, name="grid_split"),
    path("targets/<int:pk>/grid/proposals/<int:proposal_pk>/", views.grid_decide, name="grid_decide"),
    path("targets/<int:pk>/adjust/", views.adjustment_request, name="adjustment_request"),
    path("my-numbers/", views.my_numbers, name="my_numbers"),
    path("my-numbers/propose/", views.propose, name="propose"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("attainment/", views.attainment, name="attainment"),
    path("adjustments/", views.adjustment_list, name="adjustment_list"),
    path("adjustments/inbox/", views.adjustment_inbox, name="adjustment_inbox"),
    path("adjustments/<int:pk>/decide/", views.adjustment_decide, name="adjustment_decide"),
    path("adjustments/<int:pk>/withdraw/", views.adjustment_withdraw, name="adjustment_withdraw"),
    path("action-plans/", views.action_plan_list, name="action_plan_list"),
    path("action-plans/new/", views.action_plan_create, name="action_plan_create"),
    path("action-plans/<int:pk>/", views.action_plan_detail, name="action_plan_detail"),
    path("action-plans/<int:pk>/submit/", views.action_plan_submit, name="action_plan_submit"),
    path("action-plans/<int:pk>/check/", views.action_plan_check, name="action_plan_check"),
    path(
        "action-plans/<int:pk>/actions/<int:item_pk>/done/", views.action_item_done, name="action_item_done"
    ),
    path("distributions/", views.distribution_list, name="distribution_list"),
    path("distributions/new/", views.distribution_create, name="distribution_create"),
    path("distributions/<int:pk>/edit/", views.distribution_edit, name="distribution_edit"),
]
