from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def erase_personal_data(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Erase what other apps keep about a deleted account, in the deleting transaction.

    Connected to the user model's ``post_delete``, so every way an account goes (the
    reader's own "delete my account", the admin, a shell) erases the same: the meter's
    history (SQL rows and Redis keys) and every registered holder's part (analytics
    strips the id from its events). Gift links go with the account (a cascade), so none
    opens its article any more.
    """
    from masthead.access import erase_reader
    from masthead.core import personal_data

    erase_reader(instance.pk)
    personal_data.erase_all(instance.pk)


def end_reader_passes(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Make the account's reader passes stale: its next access check reads the database.

    On every save of the user (a new password, a confirmed or changed address,
    deactivation, anything an admin edits) and on deletion. A login's ``last_login``
    alone changes nothing a pass carries, and the new session needs a new pass anyway.
    """
    from masthead.access import bump_reader_generation

    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) == {"last_login"}:
        return
    bump_reader_generation(instance.pk)


def end_passes_on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Logging out ends the session's reader pass too (it was bound to that session)."""
    from masthead.access import bump_reader_generation

    if user is not None and getattr(user, "pk", None) is not None:
        bump_reader_generation(user.pk)


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Erase a deleted account's data; end reader passes when an account changes."""
        from django.contrib.auth.signals import user_logged_out

        from masthead.accounts.models import User

        post_delete.connect(erase_personal_data, sender=User, dispatch_uid="accounts.erase")
        post_save.connect(end_reader_passes, sender=User, dispatch_uid="accounts.pass.save")
        post_delete.connect(end_reader_passes, sender=User, dispatch_uid="accounts.pass.delete")
        user_logged_out.connect(end_passes_on_logout, dispatch_uid="accounts.pass.logout")
