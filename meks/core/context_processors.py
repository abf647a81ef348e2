"""Template context shared by every page."""

from django.http import HttpRequest

from .navigation import menu_for


def navigation(request: HttpRequest) -> dict:
    """The main menu of the signed-in user, and the current menu entry."""
    user = getattr(request, "user", None)
    menu = menu_for(user) if user is not None and user.is_authenticated else []
    path = request.path
    current = ""
    best = 0
    for entry in menu:
        if path.startswith(entry["url"]) and len(entry["url"]) > best and entry["url"] != "/":
            current, best = entry["key"], len(entry["url"])
    if not current and path == "/":
        current = "home"
    return {"main_menu": menu, "current_menu_key": current}
