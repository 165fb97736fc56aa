from html.parser import HTMLParser

import pytest

from communications.markup import cleaner, mentioned, render, resolve_mentions

from ..factories import manager


def test_a_script_in_a_post_is_shown_as_text():
    html = render('<script>alert("x")</script> and <img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in html


def test_links_are_only_http_https_or_mailto_and_cannot_break_out_of_their_attribute():
    assert render("[go](javascript:alert(1))") == "<p>[go](javascript:alert(1))</p>"
    html = render('[site](https://example.com/?a=1&b="x")')
    assert 'href="https://example.com/?a=1&amp;b=%22x%22"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_the_formatting_subset_renders():
    html = render("**Bold** and *italic* and `<code>`\n\n- one\n- two\nline")
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert "<code>&lt;code&gt;</code>" in html
    assert "<p>- one<br>- two<br>line</p>" in html  # not every line is a list item
    assert render("- one\n- two") == "<ul><li>one</li><li>two</li></ul>"


def test_formatting_inside_code_is_left_alone():
    assert render("`**not bold**`") == "<p><code>**not bold**</code></p>"


def test_mentions_are_found_by_name_or_e_mail():
    names, emails = mentioned("Hi @[Bob Brown] and @Alice@Example.com, not me@x.org")
    assert names == ["Bob Brown"]
    assert emails == ["alice@example.com"]


@pytest.mark.django_db
def test_mentions_resolve_to_active_users_and_name_what_matches_nobody():
    bob = manager(full_name="Bob Brown", email="bob@example.com")
    manager(full_name="Twin Name")
    manager(full_name="Twin Name")
    users, unknown = resolve_mentions("@[bob brown] @bob@example.com @[Nobody] @[Twin Name]")
    assert users == [bob]
    assert unknown == ["Nobody", "Twin Name"]


class Tags(HTMLParser):
    """The tags and attributes of some HTML, as a browser would see them."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


ALLOWED = {
    "p": set(),
    "br": set(),
    "strong": set(),
    "em": set(),
    "code": set(),
    "a": {"href", "title", "rel"},
    "ul": set(),
    "ol": {"start"},
    "li": set(),
    "span": {"class"},
}


def assert_only_allowed_markup(html: str) -> None:
    for tag, attrs in Tags(html).found:
        assert tag in ALLOWED and set(attrs) <= ALLOWED[tag], (tag, attrs)
        if tag == "a":
            assert attrs["href"].startswith(("https://", "http://", "mailto:")), attrs


@pytest.mark.parametrize(
    "text",
    [
        "[go](javascript:alert(1))",
        "[go](JaVaScRiPt:alert(1))",
        "[go]( javascript:alert(1) )",
        "[go](java\nscript:alert(1))",
        "<javascript:alert(1)>",
        "[go](data:text/html,<script>alert(1)</script>)",
        "[go](vbscript:msgbox(1))",
        "[go](/accounts/logout/)",
        "[go]\n\n[go]: javascript:alert(1)",
    ],
)
def test_links_to_anything_but_http_https_or_mailto_are_refused(text):
    html = render(text)
    assert "<a" not in html
    assert_only_allowed_markup(html)


def test_autolinks_and_mailto_links_get_the_link_rel():
    html = render("<https://example.com> and [mail](mailto:bob@example.com)")
    assert html.count('rel="nofollow noopener noreferrer"') == 2
    assert 'href="mailto:bob@example.com"' in html


def test_raw_html_and_its_attributes_are_never_markup():
    html = render('<a href="https://example.com" onclick="x()">a</a> <p onmouseover=y>b</p>')
    assert Tags(html).found == [("p", {})]


def test_the_sanitiser_strips_what_the_renderer_never_writes():
    html = cleaner.clean(
        '<p onclick="x()"><img src=x onerror=alert(1)><a href="javascript:alert(1)">a</a>'
        '<a href="/logout/">b</a><span class="mention evil" style="x">c</span>'
        "<script>steal()</script><u>d</u></p>"
    )
    assert html == (
        '<p><a rel="nofollow noopener noreferrer">a</a><a rel="nofollow noopener noreferrer">b</a>'
        '<span class="mention">c</span>d</p>'
    )


def test_mentions_are_highlighted_but_not_inside_code():
    html = render("@[Bob Brown] and @bob@example.com, but `@[Bob Brown]` is code")
    assert html == (
        '<p><span class="mention fw-semibold">@Bob Brown</span> and '
        '<span class="mention fw-semibold">@bob@example.com</span>, '
        "but <code>@[Bob Brown]</code> is code</p>"
    )


def test_a_list_starts_only_where_every_line_of_the_block_is_an_item():
    assert render("text\n- one") == "<p>text<br>- one</p>"
    assert render("1. one\n2. two\n   - nested") == (
        "<ol><li>one</li><li>two<ul><li>nested</li></ul></li></ol>"
    )


def test_what_posts_do_not_support_is_shown_as_typed():
    html = render("# Title\n> quote\n---\n    indented")
    assert html == "<p># Title<br>&gt; quote<br>---<br>indented</p>"


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "   \n\n  ",
        "***a**b* **[x*](https://example.com)** _*mixed_*",
        "- a\n  - b\n    - c\n      - d\n- e",
        "* " * 200,
        "[" * 3000 + "]" * 10,
        "*" * 5000,
        "`" * 1001 + "x",
        "- [a](https://example.com)\n- `b` **c**",
        "@[" + "x" * 500 + "]",
        "@[Bob *Brown*] @[] @@a@b.co [@[Bob]](https://example.com)",
        "\x00\r\n\ufeff&amp;&#0;&#x110000;\\",
        "  " * 100 + "- deep",
        "1) a\n2) b\n\n3. c\n\n- d",
        "<!-- comment --> <![CDATA[x]]> <?php ?>",
    ],
)
def test_odd_or_nested_markdown_renders_without_raising(text):
    assert_only_allowed_markup(render(text))
