"""Who acts: the person behind an actor, for four-eyes, ownership and roles.

An actor is the account signed in to the pages, or an API key. A key acts for the account that
owns it (`keys create --owner`); a key without an owner is a service key and stands for no
person. The person is what the rules compare: nobody reviews what they submitted, whether they
used their account or any key they own.
"""

from __future__ import annotations

from sqlite_utils import Database

from ..store import users as stored_users


def person_id(actor: dict | None) -> str | None:
    """The account id an actor stands for (as text), or None for a service key or the system."""
    if not actor:
        return None
    person = actor.get("person")
    return None if person is None else str(person)


def person(db: Database, actor: dict | None) -> dict | None:
    """The account an actor stands for, or None."""
    found = person_id(actor)
    return stored_users.get_user(db, found) if found is not None else None


def principal(who: dict) -> tuple[str, str]:
    """What identifies an actor (or a recorded submitter) across credentials: the person when
    there is one, else the credential itself (a service key is its own principal)."""
    found = person_id(who)
    return ("person", found) if found is not None else (who["kind"], str(who["id"]))


def is_admin(db: Database, actor: dict | None) -> bool:
    """True when the actor stands for an enabled account with the admin role."""
    found = person(db, actor)
    return bool(found) and not found["disabled"] and found["role"] == "admin"
