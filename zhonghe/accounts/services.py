from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhonghe.accounts.models import Membership, NumberSequence, Organization, OrgKind, OrgLevel, Role, User
from zhonghe.accounts.uscc import InvalidUSCC, validate_uscc
from zhonghe.audit.services import audit_append
from zhonghe.data.districts import UnknownDistrict, district_by_code
from zhonghe.lib.errors import Conflict, ValidationFailed


def _check_length(field: str, value: str, model: type) -> None:
    limit = model._meta.get_field(field).max_length
    if len(value) > limit:
        raise ValidationFailed(_("长度不能超过%(n)d个字符") % {"n": limit}, fields={field: "too_long"})


@transaction.atomic
def organization_create(
    *, name: str, kind: str, uscc: str | None, level: str = "", district_code: str = "", department: str = ""
) -> Organization:
    """Create an organisation. Raises ValidationFailed (bad USCC, kind, level, district) or Conflict (USCC taken)."""
    if kind not in OrgKind.values:
        raise ValidationFailed(_("未知的单位类型"), fields={"kind": kind})
    if level and level not in OrgLevel.values:
        raise ValidationFailed(_("未知的层级"), fields={"level": level})
    if not name.strip():
        raise ValidationFailed(_("请填写名称"), fields={"name": "required"})
    _check_length("name", name.strip(), Organization)
    _check_length("department", department.strip(), Organization)
    normalised: str | None = None
    if kind != OrgKind.INDIVIDUAL or uscc:
        try:
            normalised = validate_uscc(uscc or "")
        except InvalidUSCC as exc:
            raise ValidationFailed(str(exc), code="invalid_uscc", fields={"uscc": str(exc)}) from exc
        if Organization.objects.filter(uscc=normalised).exists():
            raise Conflict(_("该统一社会信用代码已注册"), code="uscc_taken", fields={"uscc": normalised})
    if district_code:
        try:
            district_by_code(district_code)
        except UnknownDistrict as exc:
            raise ValidationFailed(str(exc), code="unknown_district", fields={"district_code": district_code}) from exc
    org = Organization.objects.create(
        name=name.strip(),
        kind=kind,
        uscc=normalised,
        level=level,
        district_code=district_code,
        department=department.strip(),
    )
    audit_append(actor=None, action="organization.create", target=org)
    return org


@transaction.atomic
def user_create(
    *, username: str, password: str, organization: Organization, roles: list[str], display_name: str = ""
) -> User:
    for role in roles:
        if role not in Role.values:
            raise ValidationFailed(_("未知角色"), fields={"roles": role})
    username = username.strip()
    if not username:
        raise ValidationFailed(_("请填写用户名"), fields={"username": "required"})
    _check_length("username", username, User)
    _check_length("display_name", display_name, User)
    if User.objects.filter(username=username).exists():
        raise Conflict(_("用户名已被使用"), code="username_taken", fields={"username": username})
    # The same validators as the admin's password forms (settings.AUTH_PASSWORD_VALIDATORS).
    try:
        password_validation.validate_password(password, User(username=username, display_name=display_name))
    except DjangoValidationError as exc:
        raise ValidationFailed(
            _("密码不符合要求"), code="weak_password", fields={"password": " ".join(exc.messages)}
        ) from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password, display_name=display_name)
    except IntegrityError as exc:  # a concurrent request took the name first
        raise Conflict(_("用户名已被使用"), code="username_taken", fields={"username": username}) from exc
    audit_append(actor=None, action="user.create", target=user)
    for role in roles:
        membership = Membership.objects.create(user=user, organization=organization, role=role)
        audit_append(actor=None, action="membership.grant", target=membership)
    return user


def next_number(name: str) -> int:
    """Next value of a gap-free sequence. Must run inside the caller's transaction (row lock)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside a transaction")
    seq, _created = NumberSequence.objects.select_for_update().get_or_create(name=name)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return seq.last_value
