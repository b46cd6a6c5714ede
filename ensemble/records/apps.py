from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "ensemble.records"
    label = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from ensemble.core import sweepers
        from ensemble.records import notifications  # noqa: F401 - registers the kinds
        from ensemble.records.processing import requeue_stalled

        sweepers.register("records.requeue_stalled", requeue_stalled)
        from ensemble.records.resumable import sweep_expired

        sweepers.register("records.expired_uploads", sweep_expired)
        from ensemble.records import direct

        sweepers.register("records.expired_direct_uploads", direct.sweep_expired)
        from ensemble.records.workspace import remove_abandoned

        sweepers.register("records.abandoned_work", remove_abandoned)
        from ensemble.accounts import exports
        from ensemble.records import personal_data

        exports.register("records", personal_data.collect)
        from ensemble.accounts import deletion

        deletion.on_erase.append(personal_data.erase)
        from ensemble.core import metrics
        from ensemble.records.metrics import ProcessingCollector

        metrics.register(ProcessingCollector())
        from ensemble.core import backup
        from ensemble.records.storage import originals

        backup.register_references(originals)
