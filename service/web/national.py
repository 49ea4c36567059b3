"""National reporting channels for an accepted report: where each form is, and what to paste.

Checked 2026-12 (docs/maintainers.md, "Reporting to the national channels", has the sources):

- ChongLuaDao (chongluadao.vn, a volunteer project whose blacklist many Vietnamese tools use):
  the "how to report" page https://chongluadao.vn/cach-bao-cao links the web form
  https://chongluadao.vn/report/reportphishing. The form takes no documented query parameter:
  public helper extensions fill it by script after opening it, which we do not do.
- The national portal of the National Cyber Security Centre (NCSC, Cục An toàn thông tin):
  https://canhbao.khonggianmang.vn/ takes reports of scam sites, and its list of known scam
  sites is searchable at https://tinnhiemmang.vn/website-lua-dao (as VNeID's guide, 2025-01,
  tells people to check first). Neither documents a prefill parameter either.

So "prefilled" means: the page opens the form in a new tab (rel=noopener noreferrer, so the
form sees neither our page nor the reported URL in a Referer) and puts ready text beside it,
copied to the clipboard by one click where JavaScript runs. Nothing is ever sent by us. A
channel that documents a parameter later gets it in `prefill` (`{url}` is filled, escaped).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import quote

from service.store.reports import Report


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    name: str
    form: str  # the reporting form
    check: str | None = None  # where to look the URL up first
    prefill: str | None = None  # a documented query template such as "?url={url}"


CHANNELS = (
    Channel("chongluadao", "ChongLuaDao", "https://chongluadao.vn/report/reportphishing"),
    Channel("ncsc", "NCSC — canhbao.khonggianmang.vn / tinnhiemmang.vn",
            "https://canhbao.khonggianmang.vn/",
            check="https://tinnhiemmang.vn/website-lua-dao"),
)
REPORTABLE = ("accepted",)  # only reports the school has checked go further


@dataclass(frozen=True, slots=True)
class Link:
    channel: Channel
    href: str
    text: str  # what to paste into the form


def href_for(channel: Channel, url: str) -> str:
    if channel.prefill is None:
        return channel.form
    return channel.form + channel.prefill.format(url=quote(url, safe=""))


def links(report: Report, text: str) -> tuple[Link, ...]:
    """The channels for `report` with the text to paste; none unless it was accepted."""
    if report.status not in REPORTABLE or report.kind == "false_positive":
        return ()
    return tuple(Link(c, href_for(c, report.url), text) for c in CHANNELS)


def report_day(report: Report) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(report.created_at))
