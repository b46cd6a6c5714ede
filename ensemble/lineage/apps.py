from django.apps import AppConfig


class LineageConfig(AppConfig):
    name = "ensemble.lineage"
    label = "lineage"
    verbose_name = "Lineage"

    def ready(self) -> None:
        from ensemble.lineage import notifications  # noqa: F401 - registers the kinds
        from ensemble.lineage.graph import never_remixed
        from ensemble.lineage.services import check_licence_change, tell_sources_on_publish
        from ensemble.lineage.views import (
            cite_after_upload,
            record_page_sections,
            upload_form_extras,
        )
        from ensemble.records import hooks

        hooks.licence_checks.append(check_licence_change)
        hooks.on_publish.append(tell_sources_on_publish)
        hooks.record_page.append(record_page_sections)
        hooks.upload_form.append(upload_form_extras)
        hooks.after_upload.append(cite_after_upload)
        hooks.browse_filters["never_remixed"] = ("Never remixed yet", never_remixed)
