"""`boundary-bot declare <integration> <external id or email> <answer>`: an email finds its
identity, and an email that two identities of the integration share is refused in one line
that lists their external ids."""

from __future__ import annotations

import json

from tests.cli.conftest import Workspace


def test_declare_by_email_declares_the_identity_with_that_email(acme: Workspace) -> None:
    out = acme.ok("declare", "acme-tenant", "Pat@Acme.com", "customer")

    assert out == "00u9f1c2a3b4 is now customer\n"
    found = json.loads(acme.ok("who", "pat@acme.com", "--format", "json"))
    assert [i["lane"] for i in found["identities"]] == ["customer"]


def test_an_email_two_identities_share_is_one_line_listing_their_ids(acme: Workspace) -> None:
    done = acme.run("declare", "acme-tenant", "sam@acme.com", "customer")

    assert done.returncode == 1
    assert done.stderr == (
        "error: `sam@acme.com` is the email of 2 identities of `acme-tenant`"
        " (00u111aaa, 00u222bbb); declare one by its external id.\n"
    )
    assert acme.ok("audit", "verify").startswith("OK 0 declarations")  # nothing was declared


def test_declare_by_external_id_still_works(acme: Workspace) -> None:
    out = acme.ok("declare", "acme-tenant", "00u222bbb", "customer")

    assert out == "00u222bbb is now customer\n"
