"""`manage.py seed_demo` — demo organisations, users, credit projects and events. Idempotent.

Logins (password for all: see DEMO_PASSWORD) are listed in the README.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from zhonghe.accounts.models import Organization, User
from zhonghe.accounts.selectors import actor_for_user
from zhonghe.accounts.services import organization_create, user_create
from zhonghe.accounts.uscc import make_uscc
from zhonghe.audit.services import audit_acting_as
from zhonghe.demo.seed import seed_events, seed_projects

DEMO_PASSWORD = "zhonghe-demo"

ORGS = {
    # key: (name, kind, level, district, USCC body of 16 chars)
    "organiser": ("重庆市绿色发展示范中心", "institution", "municipal", "500103", "12500000MB1C2D3E"),
    "seller": ("武隆区仙女山镇林场村股份经济合作联合社", "other", "district", "500156", "N2500156MA6F7G8H"),
    "seller2": ("重庆三峡清洁能源有限公司", "soe", "municipal", "500101", "91500101MA5J6K7L"),
    "bureau": ("重庆市生态环境局", "agency", "municipal", "500103", "11500000MB2M3N4P"),
    "verifier": ("重庆渝碳核查技术有限公司", "other", "municipal", "500105", "91500105MA8Q9R1T"),
    "platform": ("中和平台运营中心", "other", "municipal", "500103", "91500103MA2U3W4X"),
}
USERS = {
    # username: (org key, roles, display name)
    "organiser": ("organiser", ["organiser"], "张组织"),
    "seller": ("seller", ["seller"], "李合作社"),
    "seller2": ("seller2", ["seller"], "王能源"),
    "bureau": ("bureau", ["reviewer"], "赵审核"),
    "verifier": ("verifier", ["verifier"], "钱核查"),
    "admin": ("platform", ["admin"], "平台管理员"),
}


def demo_report(orgs: dict, projects: dict, events: dict[str, bool]) -> str:
    """Only the demo objects (created now or found from an earlier run), never the user's own data."""
    made = sum(events.values())
    return (
        f"Demo data ready: {len(orgs)} demo organisations, {len(USERS)} demo users, {len(projects)} demo credit "
        f"projects, {len(events)} demo events ({made} created, {len(events) - made} already there). "
        f"Logins: {', '.join(USERS)} / password {DEMO_PASSWORD}"
    )


class Command(BaseCommand):
    help = "Load demo organisations, users, credit projects, a ready event and a certified event (idempotent)."

    @audit_acting_as("command:seed_demo")
    @transaction.atomic
    def handle(self, *args, **options):
        orgs = {key: self._org(*spec) for key, spec in ORGS.items()}
        users = {name: self._user(name, orgs[spec[0]], spec[1], spec[2]) for name, spec in USERS.items()}
        admin = users["admin"]
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        actors = {name: actor_for_user(user) for name, user in users.items()}
        projects = seed_projects(actors, orgs)
        events = seed_events(actors, projects, today=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(demo_report(orgs, projects, events)))

    def _org(self, name, kind, level, district, body) -> Organization:
        uscc = make_uscc(body)
        existing = Organization.objects.filter(uscc=uscc).first()
        return existing or organization_create(name=name, kind=kind, level=level, district_code=district, uscc=uscc)

    def _user(self, username, org, roles, display_name) -> User:
        existing = User.objects.filter(username=username).first()
        return existing or user_create(
            username=username,
            password=DEMO_PASSWORD,
            organization=org,
            roles=roles,
            display_name=display_name,
        )
