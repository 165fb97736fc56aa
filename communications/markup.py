"""A small, safe subset of Markdown for discussion posts, and the @mentions in them.

Everything is HTML-escaped first; only then are a few patterns turned into tags that this module
writes itself. So nothing a person types can become markup of its own: a ``<script>`` in a post
is shown as text, and a link can only be http(s) or mailto.

Supported: paragraphs (blank line), line breaks, ``**bold**``, ``*italic*``, ```code```,
``[text](https://…)``, lists of lines starting with ``- `` or ``* ``, and mentions written
``@[Full Name]`` or ``@name@example.com``.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User

MENTION_NAME = re.compile(r"@\[([^\]\n]{1,150})\]")
MENTION_EMAIL = re.compile(r"(?<![\w@.])@([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s()]+)\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
LIST_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")


def mentioned(text: str) -> tuple[list[str], list[str]]:
    """Names (``@[Full Name]``) and e-mail addresses mentioned in a text, in order, once each."""
    names = list(dict.fromkeys(m.strip() for m in MENTION_NAME.findall(text or "")))
    emails = list(dict.fromkeys(m.lower() for m in MENTION_EMAIL.findall(text or "")))
    return names, emails


def resolve_mentions(text: str) -> tuple[list[User], list[str]]:
    """The active users a text mentions, and what it mentions that names nobody (or several
    people at once: they are asked to use the e-mail instead)."""
    names, emails = mentioned(text)
    users: list[User] = []
    unknown: list[str] = []
    for name in names:
        found = list(User.objects.filter(full_name__iexact=name, is_active=True)[:2])
        if len(found) == 1:
            users.append(found[0])
        else:
            unknown.append(name)
    for email in emails:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            unknown.append(email)
        else:
            users.append(user)
    return list(dict.fromkeys(users)), unknown


def _inline(escaped: str) -> str:
    # Code spans are taken out first so nothing inside them is formatted.
    spans: list[str] = []

    def keep(match: re.Match) -> str:
        spans.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(spans) - 1}\x00"

    out = CODE.sub(keep, escaped)
    out = LINK.sub(
        lambda m: f'<a href="{m.group(2)}" rel="nofollow noopener noreferrer">{m.group(1)}</a>',
        out,
    )
    out = BOLD.sub(r"<strong>\1</strong>", out)
    out = ITALIC.sub(r"<em>\1</em>", out)
    out = MENTION_NAME.sub(r'<span class="mention fw-semibold">@\1</span>', out)
    out = MENTION_EMAIL.sub(r'<span class="mention fw-semibold">@\1</span>', out)
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], out)


def render(text: str) -> SafeString:
    """The post as safe HTML."""
    # \x00 is our placeholder; nobody types it, and nobody may smuggle one in.
    escaped = escape((text or "").replace("\x00", "").replace("\r\n", "\n")).strip()
    html = []
    for block in re.split(r"\n\s*\n", escaped):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(LIST_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{_inline(LIST_ITEM.match(li).group(1))}</li>" for li in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("".join(html))  # built from escaped text by this module only
