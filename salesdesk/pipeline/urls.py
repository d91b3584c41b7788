from django.urls import path

from salesdesk.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/export.csv", views.lead_export, name="lead_export"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/qualify/", views.lead_qualify, name="lead_qualify"),
    path("leads/<int:pk>/assign/", views.lead_assign, name="lead_assign"),
    path("leads/<int:pk>/round-robin/", views.lead_round_robin, name="lead_round_robin"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("board/", views.board, name="board"),
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/export.csv", views.opportunity_export, name="opportunity_export"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/lines/", views.opportunity_line_add, name="opportunity_line_add"),
    path(
        "opportunities/<int:pk>/lines/<int:line_pk>/remove/",
        views.opportunity_line_remove,
        name="opportunity_line_remove",
    ),
    path("opportunities/<int:pk>/splits/", views.opportunity_splits, name="opportunity_splits"),
    path("settings/", views.pipeline_settings, name="settings"),
    path("settings/stages/new/", views.stage_create, name="stage_create"),
    path("settings/stages/<int:pk>/", views.stage_update, name="stage_update"),
    path("settings/stages/<int:pk>/active/", views.stage_active, name="stage_active"),
    path("settings/stages/<int:pk>/move/", views.stage_move, name="stage_move"),
    path("settings/loss-reasons/new/", views.loss_reason_create, name="loss_reason_create"),
    path("settings/loss-reasons/<int:pk>/", views.loss_reason_update, name="loss_reason_update"),
    path("settings/loss-reasons/<int:pk>/active/", views.loss_reason_active, name="loss_reason_active"),
]
