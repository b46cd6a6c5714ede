from django.apps import AppConfig


class LineageConfig(AppConfig):
    name = "ensemble.lineage"
    label = "lineage"
    verbose_name = "Lineage"

    def ready(self) -> None:
        from ensemble.lineage import notifications  # noqa: F401 - registers the kinds
        from ensemble.lineage.services import check_licence_change, tell_sources_on_publish
        from ensemble.records import events

        events.licence_changing.connect(check_licence_change)
        events.record_published.connect(tell_sources_on_publish)
        from ensemble.accounts import exports
        from ensemble.lineage import personal_data

        exports.register("sources", personal_data.collect)
