"""Password rules beyond Django's: a long password of few distinct characters is still weak."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DistinctCharactersValidator:
    """Refuses passwords with fewer than `minimum` distinct characters (`123456789012`,
    `aaaaaaaaaaaa`, `abababababab`): length alone is not strength."""

    def __init__(self, minimum: int = 6):
        self.minimum = minimum

    def validate(self, password: str, user=None) -> None:
        if len(set(password)) < self.minimum:
            raise ValidationError(
                _("This password uses fewer than %(n)d different characters.")
                % {"n": self.minimum},
                code="password_too_uniform",
            )
        if password.isdigit():
            raise ValidationError(
                _("This password is made of digits only."), code="password_digits"
            )

    def get_help_text(self) -> str:
        return _("Your password must use at least %(n)d different characters.") % {
            "n": self.minimum
        }
