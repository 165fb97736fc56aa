"""What a request carries: the signed envelope, or a readable Slack or Teams message.

The body depends on the event and the endpoint's format only, so every attempt of a delivery
sends the same bytes; the timestamp (and so the signature) is the attempt's own, as the
Standard Webhooks convention has it.
"""

import base64
import datetime
import hashlib
import hmac
import json

from .models import Endpoint, Event, EventType, Format


def iso(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def envelope(event: Event) -> dict:
    return {
        "id": str(event.id),
        "type": event.type,
        "occurred_at": iso(event.occurred_at),
        "summary": event.summary,
        "url": event.url,
        "data": event.data,
    }


def _dumps(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def title_of(event: Event) -> str:
    partnership = (event.data or {}).get("partnership") or {}
    return partnership.get("name") or EventType(event.type).label


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(event: Event) -> dict:
    title, label = title_of(event), EventType(event.type).label
    summary = event.summary or label
    when = event.occurred_at.astimezone(datetime.UTC).strftime("%-d %b %Y, %H:%M UTC")
    heading = _slack_escape(title)
    if event.url:
        heading = f"<{event.url}|{heading}>"
    blocks = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{heading}*\n{_slack_escape(summary)}"},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{label} · {when}"}]},
    ]
    if event.url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open in Accord"},
                        "url": event.url,
                    }
                ],
            }
        )
    # "text" is what notifications and clients without blocks show.
    return {"text": f"{title}: {summary}", "blocks": blocks}


def teams_message(event: Event) -> dict:
    """An Adaptive Card in a message, the shape Teams' Workflows webhooks post to a channel."""
    title, label = title_of(event), EventType(event.type).label
    when = event.occurred_at.astimezone(datetime.UTC).strftime("%-d %b %Y, %H:%M UTC")
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": title,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "TextBlock", "text": event.summary or label, "wrap": True},
            {"type": "TextBlock", "text": f"{label} · {when}", "isSubtle": True, "wrap": True},
        ],
    }
    if event.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Accord", "url": event.url}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


def body_for(event: Event, endpoint: Endpoint) -> bytes:
    if endpoint.format == Format.SLACK:
        return _dumps(slack_message(event))
    if endpoint.format == Format.TEAMS:
        return _dumps(teams_message(event))
    return _dumps(envelope(event))


def secret_key(secret: str) -> bytes:
    """The HMAC key: the bytes after ``whsec_``, base64-decoded, as Standard Webhooks
    libraries read a secret (a secret that is not base64 is used as it is)."""
    raw = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError:
        return raw.encode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers_for(event: Event, endpoint: Endpoint, body: bytes, timestamp: int) -> dict[str, str]:
    message_id = str(event.id)
    return {
        "content-type": "application/json",
        "user-agent": "Accord-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(endpoint.secret, message_id, timestamp, body),
    }
