"""cxkit.nav: the workshop map."""
from __future__ import annotations

from cxkit import nav


def test_map_links_keep_language_and_total_time():
    """workshop_map_html: eight links carrying ?lang=, and the total of the durations"""
    html = nav.workshop_map_html("fr")
    assert html.count("class='cxkit-step-link'") == 8
    assert "href='04_the_double_penalty.ipynb?lang=fr'" in html
    assert "La double peine" in html
    assert f"{5 + 20 + 30 + 40 + 30 + 40 + 25 + 25 + 15}&nbsp;min" in html


def test_next_link():
    """next_link_html: points to the following step, and the last step only home"""
    assert "05_estimating_the_losses.ipynb?lang=en" in nav.next_link_html("04_the_double_penalty", "en")
    assert "cxkit-next" not in nav.next_link_html("08_workshop_report", "en")
