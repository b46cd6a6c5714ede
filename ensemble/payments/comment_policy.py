"""The rules of comments on a payment proposal (`community.comment_policy`; the one
comment service and model are community's): anyone's word while the comment window is
open, answered by the project's leaders; authors edit and delete their own while the
window is open.

No one else may delete a comment, leaders included: these comments are the open record
of how a split was questioned, so a leader cannot make a complaint disappear. Nobody is
told of every comment (the leaders follow the page); mentions and answers are told as
anywhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from ensemble.community.comment_policy import CommentPolicy, register
from ensemble.core.refusals import Refused
from ensemble.payments.models import Proposal
from ensemble.payments.services.access import is_pool_leader
from ensemble.projects import services as projects

if TYPE_CHECKING:
    from ensemble.accounts.models import User
    from ensemble.community.models import Comment


class ProposalComments(CommentPolicy):
    def can_see(self, user: Any, subject: Any) -> bool:
        """As public as its project. A draft's page is its leaders' (the views say so),
        but a draft takes no comments: its window is not open."""
        return projects.can_view_project(user, subject.pool.production.project)

    def check_open(self, subject: Any) -> None:
        if not subject.window_open:
            raise Refused(
                "Comments are taken while the proposal is open for comments.",
                status=409,
                code="window_closed",
            )

    def answering(self, by: User, subject: Any, comment: Comment) -> Comment:
        """Only leaders answer, and only a comment itself (not an answer)."""
        if not comment.is_on(subject) or comment.reply_to_id is not None:
            raise Refused("Answer a comment of this proposal.", field="reply_to")
        if comment.deleted_at is not None:
            raise Refused("That comment was deleted.", status=410, code="gone")
        if not is_pool_leader(by, subject.pool):
            raise Refused(
                "Only the project's leaders answer comments.", status=403, code="forbidden"
            )
        return comment

    def may_delete_any(self, user: Any, subject: Any) -> bool:
        return False  # see the module's docstring

    def page_url(self, subject: Any) -> str:
        return reverse("payments:proposal", args=[subject.pk])


register(Proposal, ProposalComments())
