"""Speed of the staffing sweep behind notebook 04's staffing chart."""
from __future__ import annotations

from run import timed

from cxkit import charts, queueing

CALLS, AHT, TARGET = 18_000, 300, 20  # 1,500 Erlangs, so the sweep crosses the interesting range


def bench_staffing_sweep():
    """Erlang C for every staffing from 1 to 2,000 agents (one B recursion, then numpy)."""
    value = timed(lambda: queueing.staffing_table(CALLS, AHT, TARGET, max_agents=2000), repeat=20)
    return {"name": "staffing sweep 1–2,000 agents (Erlang C table)", "value": value * 1000,
            "unit": "ms", "target": 50}


def bench_staffing_redraw_svg():
    """What a slider move costs in the panel: sweep, search and SVG drawing by vl-convert."""
    charts.enable()

    def run():
        table = queueing.staffing_table(CALLS, AHT, TARGET, max_agents=2000)
        charts.to_svg(charts.queueing.staffing_chart(table, target_level=0.8, agents=1550))

    run()  # the first drawing starts vl-convert's engine
    value = timed(run, repeat=5)
    return {"name": "sweep 1–2,000 agents + SVG redraw", "value": value * 1000, "unit": "ms", "target": 500,
            "notes": "drawing dominates; the model part is bench_staffing_sweep"}


def bench_erlang_a_large():
    """Erlang A and its service level for a 400-Erlang centre (chain + expm_multiply)."""
    def run():
        queueing.erlang_a(4800, 300, 410, 120)
        queueing.erlang_a_service_level(4800, 300, 410, 120, 20)

    value = timed(run, repeat=10)
    return {"name": "Erlang A + service level, 400 Erlangs", "value": value * 1000, "unit": "ms", "target": 50}
