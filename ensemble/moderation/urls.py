from django.urls import path

from ensemble.moderation import views

app_name = "moderation"

urlpatterns = [
    path("report/<str:kind>/<str:target_id>", views.report, name="file"),
    path("reports/", views.mine, name="mine"),
    path("reports/<id:report_id>", views.report_page, name="report"),
    path("reports/<id:report_id>/message", views.message, name="message"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/reports/<id:report_id>/decide", views.decide, name="decide"),
    path("moderation/log", views.log, name="log"),
    path("moderation/members/<str:username>", views.member_page, name="member"),
    path("moderation/members/<str:username>/lift", views.lift, name="lift"),
    path("moderation/actions/<id:entry_id>/appeal", views.file_appeal, name="file_appeal"),
    path("moderation/appeals/<id:appeal_id>", views.appeal_page, name="appeal"),
    path("moderation/appeals/<id:appeal_id>/decide", views.decide_appeal, name="decide_appeal"),
]
