from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "行动计划"

    def ready(self):
        from plans import signals  # noqa: F401  (connects the next-due writer)
