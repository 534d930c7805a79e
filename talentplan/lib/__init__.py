"""Helpers that no app owns: apps import them, never each other's services."""
