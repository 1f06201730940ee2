"""A workshop played in real browsers: a facilitator and two participants play a three-week
beer game with a predict-then-reveal round; the server restarts mid-game; the debrief shows
the outcome."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.workshop.conftest import free_port, start_server

WAIT = 20  # seconds for a screen to update


def by_id(name: str) -> tuple[str, str]:
    return ("css selector", f'[data-testid="{name}"]')


def wait(driver: Any) -> Any:
    """A wait that looks again until the screen shows what it waits for."""
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        ElementNotInteractableException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    # Besides a missing element: one redrawn under the wait, or not yet ready for input.
    ignored = (
        StaleElementReferenceException,
        ElementNotInteractableException,
        ElementClickInterceptedException,
    )
    return WebDriverWait(driver, WAIT, ignored_exceptions=ignored)


def wait_text(driver: Any, name: str, pattern: str) -> str:
    """The text of the element marked ``name`` once it contains ``pattern``."""

    def found(d: Any) -> str | None:
        text = str(d.find_element(*by_id(name)).text)
        return text if pattern in text else None

    return str(wait(driver).until(found))


def click(driver: Any, locator: tuple[str, str]) -> None:
    def clicked(d: Any) -> bool:
        d.find_element(*locator).click()
        return True

    wait(driver).until(clicked)


def click_text(driver: Any, text: str) -> None:
    click(driver, ("xpath", f"//button[normalize-space()='{text}']"))


def type_into(driver: Any, locator: tuple[str, str], text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    def typed(d: Any) -> bool:
        field = d.find_element(*locator)
        if field.tag_name != "input":
            field = field.find_element("css selector", "input")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(text)
        return True

    wait(driver).until(typed)


def labelled(label: str) -> tuple[str, str]:
    """The input of a field by its label."""
    return ("xpath", f"//label[.//*[normalize-space()='{label}']]//input")


def shoot(driver: Any, folder: Path | None, name: str) -> None:
    """Screenshots at laptop and projector size, when asked for."""
    if folder is None:
        return
    for width, height in ((1280, 800), (1920, 1080)):
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        time.sleep(0.5)  # let the page lay itself out again
        driver.get_screenshot_as_file(str(folder / f"{name}-{width}x{height}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def join(driver: Any, url: str, code: str, name: str, role: str) -> None:
    driver.get(url + "/")
    type_into(driver, labelled("Join code"), code)
    type_into(driver, labelled("Your name"), name)
    click_text(driver, "Join")
    click_text(driver, role)
    wait_text(driver, "on-hand", "")


def order(driver: Any, cases: int) -> None:
    type_into(driver, by_id("quantity"), str(cases))
    click(driver, by_id("place"))


def test_a_room_plays_a_short_game(
    browsers: list[Any], tmp_path: Path, screenshots: Path | None
) -> None:
    host, ann, bob = browsers
    port = free_port()
    server = start_server(tmp_path / "state", port)
    try:
        url, key = server.url, server.key
        # The facilitator creates a three-week game.
        host.get(f"{url}/facilitator/{key}")
        type_into(host, labelled("Team name"), "Red")
        type_into(host, labelled("Weeks"), "3")
        click(host, by_id("new-game"))
        code = wait_text(host, "code", "")
        assert len(code) == 5
        shoot(host, screenshots, "facilitator-games")

        # Two participants join and take the retailer and the factory; bots play the rest.
        ann.get(url + "/")
        shoot(ann, screenshots, "join")
        join(ann, url, code, "Ann", "retailer")
        join(bob, url, code, "Bob", "factory")
        assert wait_text(ann, "week", "week 1 of 3")
        # 12, plus the 4 arriving from the initial pipeline, less the 4 customers took.
        assert ann.find_element(*by_id("on-hand")).text == "12"

        # Predict, then reveal: both predict the factory's peak order.
        click(host, by_id("ask"))
        for driver, guess in ((ann, "20"), (bob, "35")):
            type_into(driver, by_id("guess"), guess)
            click(driver, by_id("send-guess"))
        wait_text(host, "count", "2 predictions")
        shoot(bob, screenshots, "player-week-1")

        # Week 1: Ann orders, the game waits for Bob; then it moves on.
        order(ann, 6)
        wait_text(ann, "ordered", "Waiting for: factory")
        shoot(host, screenshots, "facilitator-waiting")
        order(bob, 5)
        wait_text(ann, "week", "week 2 of 3")

        # A reload loses nothing: the participant is still the retailer in week 2.
        ann.refresh()
        wait_text(ann, "week", "week 2 of 3")

        # The server restarts mid-game; the game resumes where it was.
        server.stop()
        server = start_server(tmp_path / "state", port)
        for driver in (ann, bob, host):
            driver.refresh()
        wait_text(bob, "week", "week 2 of 3")

        # Week 2 with information sharing on; week 3 the facilitator closes for Bob.
        wait_text(host, "status", "week 2 of 3")
        click(host, ("xpath", "//*[normalize-space()='Information sharing']"))
        wait_text(ann, "shared", "Shared: customers asked 4 this week")
        shoot(ann, screenshots, "player-sharing")
        order(ann, 8)
        order(bob, 8)
        wait_text(ann, "week", "week 3 of 3")
        order(ann, 8)
        wait_text(host, "seats", "yes")  # the facilitator's screen has caught up
        click(host, by_id("close-week"))
        wait_text(ann, "week", "game over")
        wait_text(bob, "team-cost", "Team cost")
        shoot(bob, screenshots, "player-game-over")

        # The facilitator reveals the truth beside the predictions.
        wait_text(host, "status", "game over")
        click(host, by_id("reveal"))
        truth = wait_text(ann, "truth", "Truth")
        assert "you said 20" in truth
        shoot(host, screenshots, "facilitator-reveal")

        # The debrief: Red's costs on the leaderboard, both predictions beside the truth.
        host.get(f"{url}/debrief/{key}")
        board = wait_text(host, "leaderboard", "Red")
        assert "total" in board
        predictions = wait_text(host, "predictions", "Ann")
        assert "Bob" in predictions and "factory_peak" in predictions
        # Customers asked 4 every week: no bullwhip ratio yet, said in words, not a bare chart.
        assert "no ratio to their demand's variance yet" in host.page_source
        assert len(host.find_elements("css selector", "img")) == 3  # orders, stock, predictions
        shoot(host, screenshots, "debrief")

        # Demo mode: the beer game study with two replications, live.
        host.get(f"{url}/demo/{key}")
        click(host, by_id("demo"))
        click(host, ("xpath", "//div[contains(@class, 'q-item')][contains(., 'Beer game')]"))
        type_into(host, labelled("Replications"), "2")
        click(host, by_id("run-demo"))
        summary = wait_text(host, "demo-summary", "base-stock")
        assert "sterman-bots" in summary and "total_cost" in summary
        shoot(host, screenshots, "demo")
    finally:
        server.stop()
