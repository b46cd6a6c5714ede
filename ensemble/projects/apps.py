from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "ensemble.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from ensemble.projects import notifications  # noqa: F401 - registers the kinds
        from ensemble.projects.entry_uploads import settle
        from ensemble.records import events

        events.version_ready.connect(settle)
        from ensemble.projects import resumable_entries

        resumable_entries.connect()  # resumable uploads naming a call become its entries
        from ensemble.accounts import exports
        from ensemble.projects import personal_data

        exports.register("projects", personal_data.collect)
