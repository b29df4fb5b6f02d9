"""The application form's help texts on the obligation, built from the jurisdiction's rule data.

The thresholds (200 participants, 10,000 people, 10,000 m² in Chongqing) come from zhonghe/data/obligations
through events.obligation.thresholds, so a changed rule file changes the text; numbers are grouped as on every
page. A field whose rule the jurisdiction does not have gets no help text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhonghe.events.obligation import thresholds
from zhonghe.lib.numbers import format_number


def _n(value) -> str:
    return format_number(value, "0")


def obligation_help_texts(jurisdiction: str) -> dict[str, str]:
    """Help text per EventForm field (meeting_class, expected_participants, area_m2) in the active language."""
    t = thresholds(jurisdiction)
    texts = {"meeting_class": "", "expected_participants": "", "area_m2": ""}
    if t.agency_meeting_participants is not None:
        texts["meeting_class"] = _(
            "决定义务：党政机关、事业单位召开的一类、二类、三类会议，参会 %(n)s 人及以上须开展碳中和；"
            "选“非党政机关会议”时按自愿实施判定"
        ) % {"n": _n(t.agency_meeting_participants)}
    people = (t.meeting_participants, t.performance_participants, t.sports_participants)
    if None not in people:
        meeting_n, performance_n, sports_n = (_n(v) for v in people)
        if t.meetings_of_listed_organisers_only:
            meeting = _("会议 %(n)s 人及以上（党政机关、事业单位、市属国企）") % {"n": meeting_n}
        else:
            meeting = _("会议 %(n)s 人及以上") % {"n": meeting_n}
        if performance_n == sports_n:
            events = _("演出、体育赛事 %(n)s 人及以上") % {"n": performance_n}
        else:
            events = _("演出 %(p)s 人及以上，体育赛事 %(s)s 人及以上") % {"p": performance_n, "s": sports_n}
        texts["expected_participants"] = _("决定义务：%(meeting)s，%(events)s") % {"meeting": meeting, "events": events}
    if t.exhibition_area_m2 is not None:
        texts["area_m2"] = _("决定义务：会展面积 %(area)s 平方米及以上须开展碳中和") % {
            "area": _n(t.exhibition_area_m2)
        }
    return texts
