from django.urls import path

from ensemble.payments import views

app_name = "payments"

urlpatterns = [
    path("projects/<slug:slug>/payments", views.project_payments, name="project"),
    path("pools/<int:pool_id>", views.pool, name="pool"),
    path("pools/<int:pool_id>/entries", views.record_entry, name="record_entry"),
    path("pools/<int:pool_id>/proposals", views.make_proposal, name="make_proposal"),
    path("pools/<int:pool_id>/payouts", views.make_batch, name="make_batch"),
    path("pools/<int:pool_id>/payouts/<int:number>.csv", views.batch_csv, name="batch_csv"),
    path("payouts/<int:payout_id>/paid", views.mark_paid, name="mark_paid"),
    path("proposals/<int:proposal_id>", views.proposal, name="proposal"),
    path("proposals/<int:proposal_id>/adjust", views.adjust, name="adjust"),
    path("proposals/<int:proposal_id>/publish", views.publish, name="publish"),
    path("proposals/<int:proposal_id>/finalize", views.finalize, name="finalize"),
    path("proposals/<int:proposal_id>/comments", views.comment, name="comment"),
    path(
        "proposals/<int:proposal_id>/comments/<int:comment_id>",
        views.change_comment,
        name="change_comment",
    ),
    path("me/earnings", views.earnings, name="earnings"),
    path("me/earnings.csv", views.earnings_csv, name="earnings_csv"),
]
