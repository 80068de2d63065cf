"""Chapter 6 in a browser: the pre-rendered animation's slider changes the frame, with no kernel.

Uses the ``site_url`` and ``browser`` fixtures of ``conftest.py`` (the built site served on
127.0.0.1, Debian's headless Chromium).
"""

from __future__ import annotations

import pytest

PAGE = "chapters/06_latent_interpolation.html"


def _frame(browser, image_id):
    """The current frame's data URI and whether the browser decoded it as an image."""
    return browser.execute_script(
        "const img = document.getElementById(arguments[0]);"
        "return [img.src, img.complete && img.naturalWidth > 0];",
        image_id,
    )


def _move_slider(browser, slider, value):
    """Set the range input as a user would: new value, then the input and change events."""
    browser.execute_script(
        "const s = arguments[0]; s.value = arguments[1];"
        "s.dispatchEvent(new Event('input', {bubbles: true}));"
        "s.dispatchEvent(new Event('change', {bubbles: true}));",
        slider,
        str(value),
    )


def test_static_slider_changes_the_frame(built_site, site_url, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    assert (built_site / PAGE).exists(), (
        f"{built_site / PAGE} is missing: the built site predates chapter 6; rebuild it with "
        f"`jupyter-book build . -W -n --keep-going`"
    )
    browser.get(f"{site_url}/{PAGE}")
    assert "Latent interpolation" in browser.title, browser.title
    sliders = browser.find_elements(
        By.CSS_SELECTOR, "input.anim-slider[type=range]"
    )
    assert len(sliders) == 1, (
        f"expected one animation slider on the page, found {len(sliders)}"
    )
    slider = sliders[0]
    image_id = slider.get_attribute("id").replace("_anim_slider", "_anim_img")
    wait = WebDriverWait(browser, 10)
    wait.until(lambda b: _frame(b, image_id)[1])  # the first frame is shown

    n_frames = int(slider.get_attribute("max")) + 1
    assert n_frames >= 10, f"the animation has only {n_frames} frames"
    first_src, _ = _frame(browser, image_id)
    assert first_src.startswith("data:image/png;base64,"), first_src[:40]

    _move_slider(browser, slider, n_frames // 2)
    wait.until(lambda b: _frame(b, image_id)[0] != first_src)
    middle_src, middle_loaded = _frame(browser, image_id)
    assert middle_loaded, "the middle frame did not decode as an image"

    _move_slider(browser, slider, n_frames - 1)
    wait.until(lambda b: _frame(b, image_id)[0] != middle_src)
    assert len({first_src, middle_src, _frame(browser, image_id)[0]}) == 3

    # The step buttons drive the same frames: "First frame" goes back to the start.
    browser.find_element(
        By.CSS_SELECTOR, "button[onclick$='first_frame()']"
    ).click()
    wait.until(lambda b: _frame(b, image_id)[0] == first_src)
    assert slider.get_attribute("value") == "0"


def test_live_widget_cell_is_not_a_dead_widget(site_url, browser):
    """The ipywidgets cell is shown as code only: no widget state or dead widget on the page."""
    from selenium.webdriver.common.by import By

    browser.get(f"{site_url}/{PAGE}")
    assert (
        "widgets.interactive("
        in browser.find_element(By.TAG_NAME, "body").text
    )
    html = browser.page_source
    if "application/vnd.jupyter.widget-state+json" in html:
        pytest.fail(
            "the page embeds ipywidgets state: the live slider cell was executed by "
            "the build; tag it skip-execution"
        )
