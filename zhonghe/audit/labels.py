"""Chinese labels for the audit log's action codes ("event.submit" → 活动 · 提交), for the bureau's page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ENTITIES = {
    "organization": _("单位"),
    "user": _("用户"),
    "membership": _("角色"),
    "api_key": _("接口密钥"),
    "event": _("活动"),
    "plan": _("计划书"),
    "activity": _("活动数据"),
    "inventory": _("核算结果"),
    "project": _("减排项目"),
    "credits": _("减排量"),
    "listing": _("挂牌"),
    "order": _("订单"),
    "evaluation": _("评价"),
    "finding": _("核查发现"),
    "certificate": _("证书"),
    "signing_key": _("签名密钥"),
    "import": _("数据导入"),
    "measure": _("减排措施"),
    "reminder": _("到期提醒"),
    "external_cancellation": _("外部注销"),
    "case": _("典型案例"),
}
VERBS = {
    "create": _("创建"),
    "update": _("修改"),
    "delete": _("删除"),
    "grant": _("授予"),
    "revoke": _("撤销"),
    "submit": _("提交申请"),
    "withdraw": _("撤回"),
    "publish": _("发布"),
    "estimate": _("计算预估"),
    "freeze": _("冻结"),
    "register": _("登记"),
    "issue": _("签发"),
    "retire": _("注销"),
    "confirm": _("确认"),
    "reject": _("拒绝"),
    "cancel": _("取消"),
    "expire": _("过期"),
    "request": _("申请"),
    "resubmit": _("重新提交"),
    "assign": _("指派"),
    "check": _("核查"),
    "add": _("记录"),
    "respond": _("回复"),
    "close": _("关闭"),
    "return": _("退回整改"),
    "conclude": _("出具结论"),
    "accept": _("通过"),
    "password_change": _("修改密码"),
    "process": _("处理文件"),
    "places_confirm": _("确认地点"),
    "commit": _("计入活动数据"),
    "fail": _("处理失败"),
    "copy": _("复制预估数据"),
    "adopt": _("采纳"),
    "remove": _("移除"),
    "send": _("发送"),
    "record": _("登记"),
    "invalidate": _("宣告失效"),
    "correction_open": _("开始更正"),
    "feature": _("列入"),
    "unfeature": _("移出"),
}


def action_label(code: str) -> str:
    entity, _sep, verb = code.partition(".")
    if entity in ENTITIES and verb in VERBS:
        return f"{ENTITIES[entity]} · {VERBS[verb]}"
    return code


def actor_label(label: str) -> tuple[str, str]:
    """How the page names a non-user actor, as (kind, name): (系统, ""), (后台任务, command), (接口密钥, key id);
    ("", "") for users (shown by name). The name is a code, shown as code."""
    kind, _sep, name = label.partition(":")
    if kind == "user":
        return "", ""
    if kind == "command":
        return str(_("后台任务")), name
    if kind == "api_key":
        return str(_("接口密钥")), name
    return (str(_("系统")), "") if kind == "system" else ("", label)
