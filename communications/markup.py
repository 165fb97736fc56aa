"""Markdown for discussion posts, and the @mentions in them.

markdown-it-py renders the post (CommonMark, raw HTML off, so a ``<script>`` typed in a post is
shown as text); nh3 then cleans the result against an allow-list of exactly the tags this
renderer writes, as a second line of defence. Links can only be http(s) or mailto.

Supported: paragraphs (blank line), line breaks, ``**bold**``, ``*italic*``, ```code```,
``[text](https://…)`` and ``<https://…>``, lists (``- ``, ``* ``, ``+ `` or ``1. ``), and
mentions written ``@[Full Name]`` or ``@name@example.com``. Headings, rules, quotes, code
blocks and images are not: they are shown as typed.
"""

import re
from collections.abc import Iterator

import nh3
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from accounts.models import User

MENTION_NAME = re.compile(r"@\[([^\]\n]{1,150})\]")
MENTION_EMAIL = re.compile(r"(?<![\w@.])@([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
MENTION = re.compile(f"{MENTION_NAME.pattern}|{MENTION_EMAIL.pattern}")
LIST_MARKER = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?=[ \t]|$)", re.MULTILINE)
LINK_SCHEMES = {"http", "https", "mailto"}


def mentioned(text: str) -> tuple[list[str], list[str]]:
    """Names (``@[Full Name]``) and e-mail addresses mentioned in a text, in order, once each."""
    names = list(dict.fromkeys(m.strip() for m in MENTION_NAME.findall(text or "")))
    emails = list(dict.fromkeys(m.lower() for m in MENTION_EMAIL.findall(text or "")))
    return names, emails


def resolve_mentions(text: str, among: QuerySet | None = None) -> tuple[list[User], list[str]]:
    """The active users a text mentions, and what it mentions that names nobody (or several
    people at once: they are asked to use the e-mail instead). ``among`` narrows who may be
    found: anyone else reads as nobody."""
    names, emails = mentioned(text)
    people = (among if among is not None else User.objects.all()).filter(is_active=True)
    users: list[User] = []
    unknown: list[str] = []
    for name in names:
        found = list(people.filter(full_name__iexact=name)[:2])
        if len(found) == 1:
            users.append(found[0])
        else:
            unknown.append(name)
    for email in emails:
        user = people.filter(email__iexact=email).first()
        if user is None:
            unknown.append(email)
        else:
            users.append(user)
    return list(dict.fromkeys(users)), unknown


def _split_mentions(token: Token) -> Iterator[Token]:
    """A text token, with each mention in it wrapped in a highlighted span."""
    start = 0
    for match in MENTION.finditer(token.content):
        if match.start() > start:
            yield Token("text", "", 0, content=token.content[start : match.start()])
        yield Token("mention_open", "span", 1, attrs={"class": "mention fw-semibold"})
        yield Token("text", "", 0, content="@" + (match[1] or match[2]))
        yield Token("mention_close", "span", -1)
        start = match.end()
    if start == 0:
        yield token
    elif start < len(token.content):
        yield Token("text", "", 0, content=token.content[start:])


def _mentions(state: StateCore) -> None:
    # Only text tokens: a mention inside a code span stays code.
    for block in state.tokens:
        if block.type == "inline" and block.children:
            block.children = [
                part
                for child in block.children
                for part in (_split_mentions(child) if child.type == "text" else [child])
            ]


def _link_allowed(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    return bool(colon) and scheme.lower() in LINK_SCHEMES


def _whole_lists_only(text: str) -> str:
    """A block (between blank lines) is a list only when each of its lines is an item, as posts
    have always had it: CommonMark would also let a list start in the middle of a paragraph,
    and take an unmarked line after an item as more of that item."""
    blocks = re.split(r"(\n\s*\n)", text)
    for i in range(0, len(blocks), 2):
        if not all(LIST_MARKER.match(line) for line in blocks[i].split("\n") if line.strip()):
            blocks[i] = LIST_MARKER.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", blocks[i])
    return "".join(blocks)


md = MarkdownIt("commonmark", {"html": False, "breaks": True, "xhtmlOut": False}).disable(
    ["heading", "lheading", "hr", "blockquote", "code", "fence", "image"]
)
md.core.ruler.push("mentions", _mentions)
md.validateLink = _link_allowed  # refused links stay text, as in ``[go](javascript:…)``

cleaner = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "code", "a", "ul", "ol", "li", "span"},
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    allowed_classes={"span": {"mention", "fw-semibold"}},
    link_rel="nofollow noopener noreferrer",
    url_schemes=LINK_SCHEMES,
    url_relative="deny",
)


def render(text: str) -> SafeString:
    """The post as safe HTML."""
    html = md.render(_whole_lists_only((text or "").replace("\r\n", "\n").strip()))
    # Without code blocks, newlines in the output are only layout between tags (or inside a
    # link's title): dropped, so the HTML stays one line, as posts always rendered.
    return mark_safe(cleaner.clean(html.replace("\n", "")))  # cleaned by nh3's allow-list
