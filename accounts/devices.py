"""A user agent in words ("Chrome on macOS"), for the list of one's sessions.

A dozen rules rather than a library: the page needs a browser and a system, not a device
database, and the libraries that are kept up to date (ua-parser) bring a rule file of several
thousand patterns for it. Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
"""

import re

_BROWSERS = (
    ("Edge", r"\bEdg(?:e|A|iOS)?/"),
    ("Opera", r"\bOPR/|\bOpera\b"),
    ("Samsung Internet", r"\bSamsungBrowser/"),
    ("Firefox", r"\bFirefox/|\bFxiOS/"),
    ("Chrome", r"\bChrome/|\bCriOS/|\bHeadlessChrome/"),
    ("Safari", r"\bSafari/"),
)
_SYSTEMS = (
    ("iPadOS", r"\biPad\b"),
    ("iOS", r"\biPhone\b|\biPod\b"),
    ("Android", r"\bAndroid\b"),
    ("ChromeOS", r"\bCrOS\b"),
    ("Windows", r"\bWindows\b"),
    ("macOS", r"\bMac OS X\b|\bMacintosh\b"),
    ("Linux", r"\bLinux\b"),
)


def _first(rules, text: str) -> str | None:
    return next((name for name, pattern in rules if re.search(pattern, text)), None)


def describe(user_agent: str) -> str:
    browser, system = _first(_BROWSERS, user_agent or ""), _first(_SYSTEMS, user_agent or "")
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    return "Unknown browser" if not user_agent else user_agent.split("/")[0][:40]
