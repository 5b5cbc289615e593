"""A loopback stand-in for the Claude platform Admin API: the documented list shapes
(`data`, `has_more`, `first_id`, `last_id`; `limit` and `after_id` to page), and its own check
of the `x-api-key` and `anthropic-version` headers."""

from __future__ import annotations

from typing import Any

from tests.connectors.servers import Reply, Route, StandIn

KEY = "sk-ant-admin01-test"
VARIABLE = "BOUNDARY_TEST_ANTHROPIC_ADMIN_KEY"
ADDED = "2026-01-15T09:30:00Z"
SUPPORT, RESEARCH, OLD = "wrkspc_01Support", "wrkspc_01Research", "wrkspc_01Old"
ROLES = ("admin", "developer", "user", "billing", "claude_code_user")


def pages(items: list[dict[str, Any]], size: int, key: str = "id") -> Route:
    """A list paged like the Admin API: the next page starts after `after_id`."""

    def route(query: dict[str, list[str]], _url: str) -> Reply:
        after = query.get("after_id", [None])[0]
        if not 1 <= int(query.get("limit", ["20"])[0]) <= 1000:
            return Reply(400, _error("invalid_request_error", "limit must be 1 to 1000"))
        start = 0
        if after is not None:
            start = next(i for i, item in enumerate(items) if item[key] == after) + 1
        page = items[start : start + size]
        return Reply(
            body={
                "data": page,
                "has_more": start + size < len(items),
                "first_id": page[0][key] if page else None,
                "last_id": page[-1][key] if page else None,
            }
        )

    return route


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def checks_headers(headers: dict[str, str]) -> Reply | None:
    if headers.get("x-api-key") != KEY:
        return Reply(401, _error("authentication_error", "invalid x-api-key"))
    if headers.get("anthropic-version") != "2023-06-01":
        return Reply(400, _error("invalid_request_error", "anthropic-version header is required"))
    return None


def user(n: int) -> dict[str, Any]:
    return {
        "type": "user",
        "id": f"user_0{n}",
        "email": f"Dev{n}@Corp.com",
        "name": f"Dev {n}",
        "role": ROLES[(n - 1) % len(ROLES)],
        "added_at": ADDED,
    }


def _invite(name: str, status: str) -> dict[str, Any]:
    return {
        "type": "invite",
        "id": f"invite_{name}",
        "email": f"{name}@corp.com",
        "role": "developer",
        "status": status,
        "invited_at": ADDED,
        "expires_at": "2026-01-22T09:30:00Z",
    }


def _workspace(workspace_id: str, name: str, archived: bool = False) -> dict[str, Any]:
    return {
        "type": "workspace",
        "id": workspace_id,
        "name": name,
        "display_color": "#6C5BB9",
        "created_at": ADDED,
        "archived_at": "2026-02-01T00:00:00Z" if archived else None,
    }


def _member(user_id: str, workspace_id: str, role: str) -> dict[str, Any]:
    return {
        "type": "workspace_member",
        "user_id": user_id,
        "workspace_id": workspace_id,
        "workspace_role": role,
    }


def api_key(
    name: str, status: str, creator: str | None, workspace_id: str | None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "api_key",
        "id": f"apikey_{name}",
        "name": name.title(),
        "status": status,
        "created_at": ADDED,
        "created_by": {"id": creator, "type": "user"} if creator else None,
        "workspace_id": workspace_id,
        "partial_key_hint": f"sk-ant-api03-{name[:3]}...AA",
        "expires_at": None,
        **extra,
    }


KEYS = [
    api_key("prod", "active", "user_02", SUPPORT),
    api_key("ci", "active", "user_01", None, expires_at="2027-06-30T00:00:00Z"),
    api_key("paused", "inactive", "user_03", RESEARCH),
    api_key("retired", "archived", "user_02", OLD),
    api_key("lapsed", "expired", "user_02", SUPPORT),
    api_key("orphan", "active", "user_09gone", SUPPORT),
    # The newer shape: `scope` says where the key belongs.
    api_key(
        "scoped", "active", "user_03", None, scope={"type": "workspace", "workspace_id": RESEARCH}
    ),
]


def anthropic_routes(api: StandIn, *, users: int = 5, keys: int = len(KEYS)) -> None:
    """Each list spread over several pages; the archived workspace's members must not be read."""
    api.gate = checks_headers
    base = "/v1/organizations"
    api.routes.update(
        {
            f"{base}/users": pages([user(n) for n in range(1, users + 1)], 2),
            f"{base}/invites": pages(
                [
                    _invite("new", "pending"),
                    _invite("dev1", "accepted"),
                    _invite("late", "expired"),
                ],
                2,
            ),
            f"{base}/workspaces": pages(
                [
                    _workspace(SUPPORT, "Support bot"),
                    _workspace(RESEARCH, "Research"),
                    _workspace(OLD, "Old", archived=True),
                ],
                1,
            ),
            f"{base}/workspaces/{SUPPORT}/members": pages(
                [
                    _member("user_01", SUPPORT, "workspace_admin"),
                    _member("user_02", SUPPORT, "workspace_developer"),
                ],
                1,
                key="user_id",
            ),
            f"{base}/workspaces/{RESEARCH}/members": pages(
                [_member("user_03", RESEARCH, "workspace_user")], 20, key="user_id"
            ),
            f"{base}/workspaces/{OLD}/members": pages(
                [_member("user_04", OLD, "workspace_developer")], 20, key="user_id"
            ),
            f"{base}/api_keys": pages(KEYS[:keys], 2),
        }
    )
