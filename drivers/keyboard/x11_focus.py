"""Give the keyboard focus back to the window that had it before ours (X11).

ID自動引渡し: the clerk puts the cursor in the linked system's card-number field, then clicks 照会
in our window — so when the service ID is ready, *our* window has the focus and typing would go
into it. `focus_previous_window` finds the top-level window directly below ours in the stacking
order (the one that was active before ours: activating a window raises it) and activates it:
through the window manager (EWMH ``_NET_ACTIVE_WINDOW`` client message) when one is running, or
with ``XSetInputFocus`` when there is none (kiosk sessions, Xvfb). It waits until the X server
reports the focus inside that window, so the keystrokes that follow cannot reach our own window.
"""
from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger(__name__)

FOCUS_TIMEOUT_S = 1.5
_POLL_S = 0.01

try:
    from Xlib import X
    from Xlib import error as xerror
    from Xlib.protocol import event as xevent
except ImportError:  # python-xlib is a Linux-only dependency; x11.py reports its absence
    X = None


def focus_previous_window(d: Any, own_window: int) -> bool:
    """Activate the viewable top-level below `own_window`'s; True once it has the focus."""
    root = d.screen().root
    stack = root.query_tree().children                  # bottom-to-top stacking order
    top = _toplevel(d, own_window)
    if top is None or top not in [w.id for w in stack]:
        return False
    below = stack[:[w.id for w in stack].index(top)]
    for frame in reversed(below):
        if _usable(frame):
            target = _client_of(d, frame) or frame
            _activate(d, root, target)
            return _wait_focus_inside(d, target)
    return False


def _toplevel(d: Any, window_id: int) -> int | None:
    """The ancestor of `window_id` that is a direct child of the root window."""
    root_id = d.screen().root.id
    current = d.create_resource_object("window", window_id)
    try:
        for _depth in range(32):
            parent = current.query_tree().parent
            if parent.id == root_id:
                return int(current.id)
            current = parent
    except xerror.XError:
        return None
    return None


def _usable(window: Any) -> bool:
    try:
        attrs = window.get_attributes()
        geometry = window.get_geometry()
    except xerror.XError:
        return False
    return (attrs.map_state == X.IsViewable and attrs.win_class == X.InputOutput
            and not attrs.override_redirect and geometry.width > 1 and geometry.height > 1)


def _client_of(d: Any, frame: Any) -> Any | None:
    """The application window inside a WM frame: the first one carrying WM_STATE."""
    wm_state = d.intern_atom("WM_STATE")
    todo = [frame]
    while todo:
        window = todo.pop(0)
        try:
            if window.get_full_property(wm_state, X.AnyPropertyType) is not None:
                return window
            todo.extend(window.query_tree().children)
        except xerror.XError:
            continue
    return None


def _wm_running(d: Any, root: Any) -> bool:
    check = root.get_full_property(d.intern_atom("_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType)
    return check is not None and len(check.value) > 0


def _activate(d: Any, root: Any, target: Any) -> None:
    if _wm_running(d, root):
        message = xevent.ClientMessage(window=target, client_type=d.intern_atom(
            "_NET_ACTIVE_WINDOW"), data=(32, [2, X.CurrentTime, 0, 0, 0]))  # 2: from a pager
        mask = X.SubstructureRedirectMask | X.SubstructureNotifyMask
        root.send_event(message, event_mask=mask)
    else:
        target.configure(stack_mode=X.Above)
        target.set_input_focus(X.RevertToParent, X.CurrentTime)
    d.sync()
    log.info("keyboard focus returned to window 0x%x", target.id)


def _wait_focus_inside(d: Any, target: Any) -> bool:
    """Poll the server's focus (a window manager acts asynchronously) until it is in target."""
    deadline = time.monotonic() + FOCUS_TIMEOUT_S
    while True:
        focus = d.get_input_focus().focus
        if isinstance(focus, int) or focus is None:
            focused_top = None
        else:
            focused_top = _toplevel(d, focus.id)
        if focused_top is not None and focused_top == _toplevel(d, target.id):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_S)
