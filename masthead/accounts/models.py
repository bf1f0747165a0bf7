"""Reader and staff accounts: one user model, logged in by e-mail."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    """Create users keyed by a normalised e-mail address."""

    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        """Return a new reader account."""
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        """Return a new account with every permission."""
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        """Look the e-mail up case-insensitively, as readers type it."""
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account: a reader, a subscriber or newsroom staff."""

    email = models.EmailField("email", unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the newsroom (the admin)."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    email_confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the reader followed a link mailed to this address. Unconfirmed "
        "readers are metered as visitors when the paywall policy asks for confirmation.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ("email",)

    def __str__(self) -> str:
        return self.email

    @property
    def has_confirmed_email(self) -> bool:
        """Return True once the reader proved they read mail at their address.

        The paywall reads this fact (``masthead.access`` asks the user for it) to decide
        which allowance applies; it never reads the timestamp itself.
        """
        return self.email_confirmed_at is not None

    def get_full_name(self) -> str:
        """Return the display name, or the e-mail when none is set."""
        return self.display_name or self.email

    def get_short_name(self) -> str:
        """Return the display name, or the e-mail when none is set."""
        return self.get_full_name()
