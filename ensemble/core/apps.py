from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ensemble.core"
    label = "core"
    verbose_name = "Shared plumbing"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from ensemble.core import ids, pagecache, tasklog

        tasklog.connect()  # one log line per task, wherever tasks run
        # Every connection's writes renew the visitors' page cache (core/pagecache.py).
        connection_created.connect(pagecache.install, dispatch_uid="ensemble.pagecache")
        pre_migrate.connect(pagecache.migrating, dispatch_uid="ensemble.pagecache")
        post_migrate.connect(pagecache.migrated, dispatch_uid="ensemble.pagecache")
        ids.register()  # `<id:…>` in every app's urls.py: ids past 2**63 - 1 are a 404
