"""The community API: hearts, follows, comments, lists, and the feed, suggested calls
and trending. One router; each module adds the endpoints of its area."""

from ensemble.community.api import comments, feed, follows, hearts, lists  # noqa: F401 - endpoints
from ensemble.community.api.base import router

# The OpenAPI operation names stay what they were when the API was one module
# (`ensemble_community_api_<function>`): clients generated from the schema keep working.
for path in router.path_operations.values():
    for operation in path.operations:
        operation.operation_id = f"ensemble_community_api_{operation.view_func.__name__}"

__all__ = ["router"]
