"""The lineage API: sources, the lineage around a record, credits, licences. One
router; each module adds the endpoints of its area."""

from ensemble.lineage.api import credits, neighbourhood, sources  # noqa: F401 - endpoints
from ensemble.lineage.api.base import router

# The OpenAPI operation names stay what they were when the API was one module
# (`ensemble_lineage_api_<function>`): clients generated from the schema keep working.
for path in router.path_operations.values():
    for operation in path.operations:
        operation.operation_id = f"ensemble_lineage_api_{operation.view_func.__name__}"

__all__ = ["router"]
