"""Driving a page with the keyboard only, as a user who cannot use a mouse: Tab to an element
(it must be reachable, and show where the focus is), then Enter, Space or typing."""

MAX_TABS = 250


def tab_to(page, locator) -> None:
    """Press Tab until `locator` has the focus; fails if it is never reached."""
    target = locator.first
    target.wait_for()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            outline = target.evaluate("element => getComputedStyle(element).outlineStyle")
            assert outline != "none", "the focus is not visible"
            return
    raise AssertionError(f"never reached with Tab: {locator}")


def activate(page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    page.keyboard.press(key)


def choose(page, select, label: str) -> None:
    """Pick an option of a <select> by typing the start of its label, as keyboards do."""
    tab_to(page, select)
    page.keyboard.type(label, delay=30)
    chosen = select.first.evaluate("s => s.options[s.selectedIndex].text")
    assert chosen.startswith(label), f"{chosen!r} chosen instead of {label!r}"


def type_into(page, field, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/comptes/login/")
    form = page.locator("form:has(input[name='login'])")
    type_into(page, form.locator("input[name='login']"), email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")
