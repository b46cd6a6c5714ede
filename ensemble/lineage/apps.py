from django.apps import AppConfig


class LineageConfig(AppConfig):
    name = "ensemble.lineage"
    label = "lineage"
    verbose_name = "Lineage"

    def ready(self) -> None:
        from ensemble.lineage import notifications  # noqa: F401 - registers the kinds
        from ensemble.lineage.graph import never_remixed
        from ensemble.lineage.services import check_licence_change, tell_sources_on_publish
        from ensemble.lineage.views import record_page_sections
        from ensemble.records import hooks

        hooks.licence_checks.append(check_licence_change)
        hooks.on_publish.append(tell_sources_on_publish)
        hooks.record_page.append(record_page_sections)
        hooks.browse_filters["never_remixed"] = ("Never remixed yet", never_remixed)
