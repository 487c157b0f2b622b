"""Reading request bodies with a size limit (413 before the whole body is in memory)."""

from __future__ import annotations

from fastapi import Request
from starlette.requests import ClientDisconnect

from .errors import ApiError


def too_large(limit: int) -> ApiError:
    """The 413 error for a body over the limit."""
    mb = limit / (1024 * 1024)
    return ApiError(413, "too_large",
                    f"nội dung gửi lên vượt quá giới hạn {mb:g} MB; hãy chia nhỏ tệp.",
                    f"the request body is over the {mb:g} MB limit; split the file.")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect:
        # Nobody is left to read an answer; an ApiError is handled quietly (no traceback).
        raise ApiError(400, "client_disconnected", "máy khách đã ngắt kết nối giữa chừng.",
                       "the client disconnected during the upload.") from None
    return b"".join(chunks)


def media_type(request: Request) -> str:
    """The request's Content-Type without parameters, lower-case ('' when missing)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def decode_utf8(body: bytes, what: str) -> str:
    """The body as text, or a 400 that says it must be UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise ApiError(400, "bad_request",
                       f"{what}: dòng {line}: nội dung không phải UTF-8.",
                       f"{what}: line {line}: the body is not UTF-8.") from exc
