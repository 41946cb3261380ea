from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "caremap.episodes"
    verbose_name = "Episodes"
