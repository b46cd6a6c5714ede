"""Co-creators: the owner invites a member to share a record's credit; they are credited
once they accept, and either may end it. Each change renews the cached credit rolls."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.core import generations
from ensemble.core.refusals import Refused
from ensemble.notifications.services import notify
from ensemble.records import access
from ensemble.records.models import CoCreator, Record


def invite_cocreator(record: Record, *, by: User, user: User) -> CoCreator:
    """The owner asks a member to share credit; they are credited once they accept."""
    access.require_owner(by, record)
    if user.pk == record.owner_id:
        raise Refused("You are already the owner of this record.", field="username")
    if not user.is_active:
        raise Refused("That member's account is not active.", field="username")
    with transaction.atomic():
        cocreator, created = CoCreator.objects.get_or_create(record=record, user=user)
        if not created:
            if cocreator.state == CoCreator.State.ACCEPTED:
                raise Refused(
                    f"@{user.username} is already a co-creator.", status=409, code="conflict"
                )
            if cocreator.state == CoCreator.State.DECLINED:
                # Declining is an answer: no asking again and again (each ask is an email).
                raise Refused(
                    f"@{user.username} declined this invitation.", status=409, code="conflict"
                )
            cocreator.state = CoCreator.State.INVITED
            cocreator.invited_at = timezone.now()
            cocreator.responded_at = None
            cocreator.save(update_fields=["state", "invited_at", "responded_at"])
        generations.bump("credits")  # an invitee may see the draft's place in credits
        notify(user, "cocreator_invited", actor=by, about=cocreator)
    return cocreator


def answer_invitation(cocreator: CoCreator, *, by: User, accept: bool) -> CoCreator:
    if cocreator.user_id != by.pk:
        raise Refused("This invitation is for someone else.", status=403, code="forbidden")
    if cocreator.state != CoCreator.State.INVITED:
        raise Refused("This invitation was already answered.", status=409, code="conflict")
    cocreator.state = CoCreator.State.ACCEPTED if accept else CoCreator.State.DECLINED
    cocreator.responded_at = timezone.now()
    with transaction.atomic():
        cocreator.save(update_fields=["state", "responded_at"])
        generations.bump("credits")
    kind = "cocreator_accepted" if accept else "cocreator_declined"
    notify(cocreator.record.owner, kind, actor=by, about=cocreator)
    return cocreator


def remove_cocreator(cocreator: CoCreator, *, by: User) -> None:
    """The owner withdraws an invitation or credit, or a co-creator steps down."""
    if by.pk not in (cocreator.record.owner_id, cocreator.user_id):
        raise Refused("Only the owner or the co-creator can do that.", status=403)
    with transaction.atomic():
        cocreator.delete()
        generations.bump("credits")
