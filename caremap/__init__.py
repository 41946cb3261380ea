"""Caremap: recovery management for people in recovery, navigators, services and commissioners."""
