import pytest

from communications.markup import mentioned, render, resolve_mentions

from ..factories import manager


def test_a_script_in_a_post_is_shown_as_text():
    html = render('<script>alert("x")</script> and <img src=x onerror=alert(1)>')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_links_are_only_http_https_or_mailto_and_cannot_break_out_of_their_attribute():
    assert render("[go](javascript:alert(1))") == "<p>[go](javascript:alert(1))</p>"
    html = render('[site](https://example.com/?a=1&b="x")')
    assert 'href="https://example.com/?a=1&amp;b=&quot;x&quot;"' in html
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
