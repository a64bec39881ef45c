"""API schema types derived from the models' `TextChoices`, so the two cannot drift apart."""

from typing import Literal

from django.db.models import TextChoices


def choice_literal(choices: type[TextChoices], *only: str):
    """`Literal[...]` of the choices' values (or of `only`, each checked to be one of them)."""
    values = tuple(only) or tuple(choices.values)
    unknown = set(values) - set(choices.values)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not values of {choices.__name__}")
    return Literal[values]
