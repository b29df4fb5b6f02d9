from django import template

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """The navbar badge: the user's unread notifications (0 for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from zhonghe.notifications.selectors import unread_count

    return unread_count(user)
