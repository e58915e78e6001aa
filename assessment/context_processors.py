def notifications(request):
    """The unread count for the navigation bar, counted only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    counted: list[int] = []

    def unread() -> int:  # the menu reads it twice (the badge and its number): one query
        if not counted:
            counted.append(user.notifications.filter(read_at__isnull=True).count())
        return counted[0]

    return {"unread_notifications": unread}
