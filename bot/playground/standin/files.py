"""Slack's external file upload, as the stand-in answers it: files.getUploadURLExternal hands out
an upload URL on the stand-in itself, the bytes are POSTed there, and
files.completeUploadExternal shares the file into a channel with an optional comment."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None


class FileMethods:
    """Mixed into the stand-in: `upload_base` is where the stand-in serves (its base URL)."""

    def __init__(self) -> None:
        self.uploads: dict[str, Upload] = {}
        self._file_ids = itertools.count(1)

    @property
    def upload_base(self) -> str:
        raise NotImplementedError

    def receive_upload(self, file_id: str, body: bytes) -> bool:
        upload = self.uploads.get(file_id)
        if upload is None:
            return False
        upload.content = body
        return True

    def _api_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(params.get("length") or "")
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not params.get("filename") or length <= 0:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._file_ids):08d}"
        self.uploads[file_id] = Upload(file_id, str(params["filename"]), length)
        return {"ok": True, "upload_url": f"{self.upload_base}upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        shared = []
        for entry in files:
            upload = self.uploads.get(str(entry.get("id")))
            if upload is None or upload.content is None or len(upload.content) != upload.length:
                return {"ok": False, "error": "file_not_found"}
            upload.title = entry.get("title")
            if params.get("channel_id"):
                upload.channels.append(str(params["channel_id"]))
            upload.initial_comment = params.get("initial_comment")
            shared.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
        return {"ok": True, "files": shared}
