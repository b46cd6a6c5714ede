from django.urls import path

from ensemble.payments import views

app_name = "payments"

urlpatterns = [
    path("projects/<slug:slug>/payments", views.project_payments, name="project"),
    path("pools/<id:pool_id>", views.pool, name="pool"),
    path("pools/<id:pool_id>/entries", views.record_entry, name="record_entry"),
    path("pools/<id:pool_id>/proposals", views.make_proposal, name="make_proposal"),
    path("pools/<id:pool_id>/payouts", views.make_batch, name="make_batch"),
    path("pools/<id:pool_id>/payouts/<id:number>.csv", views.batch_csv, name="batch_csv"),
    path("payouts/<id:payout_id>/paid", views.mark_paid, name="mark_paid"),
    path("proposals/<id:proposal_id>", views.proposal, name="proposal"),
    path("proposals/<id:proposal_id>/adjust", views.adjust, name="adjust"),
    path("proposals/<id:proposal_id>/publish", views.publish, name="publish"),
    path("proposals/<id:proposal_id>/finalize", views.finalize, name="finalize"),
    path("proposals/<id:proposal_id>/comments", views.comment, name="comment"),
    path(
        "proposals/<id:proposal_id>/comments/<id:comment_id>",
        views.change_comment,
        name="change_comment",
    ),
    path("me/earnings", views.earnings, name="earnings"),
    path("me/earnings.csv", views.earnings_csv, name="earnings_csv"),
]
