from django.apps import AppConfig


class CaremapConfig(AppConfig):
    """The project package as an app: the UI shell's templates, static assets,
    form renderer and the project-wide commands (demo data)."""

    name = "caremap"
    verbose_name = "Caremap"
