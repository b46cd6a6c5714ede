"""The JSON API at /api/v1: mounts each app's router, nothing else."""

from ensemble.accounts.api import router as accounts_router
from ensemble.accounts.api_auth import API_AUTH
from ensemble.community.api import router as community_router
from ensemble.core.api import EnsembleAPI
from ensemble.front.api import router as front_router
from ensemble.lineage.api import router as lineage_router
from ensemble.moderation.api import router as moderation_router
from ensemble.moderation.api_members import router as moderation_members_router
from ensemble.notifications.api import router as notifications_router
from ensemble.payments.api import router as payments_router
from ensemble.projects.api import router as projects_router
from ensemble.records.api import router as records_router
from ensemble.records.direct_api import router as direct_uploads_router
from ensemble.search.api import router as search_router
from ensemble.timelines.api import router as timelines_router

api = EnsembleAPI(
    title="Ensemble API",
    version="1",
    description=(
        "Everything the Ensemble web interface does. Authenticate with a personal access "
        "token (`Authorization: Bearer ens_…`, from Settings → API tokens or "
        "`POST /api/v1/auth/tokens`) or, from the browser, the session cookie plus CSRF."
    ),
    auth=API_AUTH,
    urls_namespace="api",
)
api.add_router("", accounts_router)
api.add_router("", notifications_router)
api.add_router("", records_router)
api.add_router("", direct_uploads_router)
api.add_router("", lineage_router)
api.add_router("", projects_router)
api.add_router("", timelines_router)
api.add_router("", payments_router)
api.add_router("", community_router)
api.add_router("", search_router)
api.add_router("", moderation_router)
api.add_router("", moderation_members_router)
api.add_router("", front_router)  # GET /records: the list, filtered by other apps too
