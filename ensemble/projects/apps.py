from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "ensemble.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from ensemble.projects import notifications  # noqa: F401 - registers the kinds
        from ensemble.projects.entry_uploads import settle
        from ensemble.projects.services import entered_in
        from ensemble.records import hooks

        hooks.on_ready.append(settle)
        hooks.browse_values["call"] = entered_in  # /records/?call=<id>, GET /records?call=
