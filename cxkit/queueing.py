"""Staffing and waiting: Erlang C, Erlang A (impatient callers), a seeded simulation, and
the outsourcer's trick of dropping calls to make the dashboard look good.

Units: calls per hour, seconds for handling time, waits and patience, agents as whole
people, traffic in Erlangs (``A = calls_per_hour · AHT / 3600``, the number of agents
that would be busy all the time).

Sources
-------
- A. K. Erlang (1917); the formulas as in G. Koole, *Call Center Optimization* (2013),
  ch. 4, and Gans, Koole & Mandelbaum, "Telephone call centers: tutorial, review and
  research prospects", M&SOM 5(2), 2003.
- Erlang A (M/M/N+M) is C. Palm's model of impatient callers (1943, Ericsson Technics);
  it was named and popularised by Garnett, Mandelbaum & Reiman, "Designing a call center
  with impatient customers", M&SOM 4(3), 2002; formulas as in Mandelbaum & Zeltyn, "The
  Erlang-A/Palm queue", 2004–2009 tutorial notes.
"""
from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import t

__all__ = [
    "erlang_b", "erlang_c", "traffic", "service_level", "average_speed_of_answer",
    "agents_needed", "staffing_table", "erlang_a", "erlang_a_service_level",
    "simulate_queue", "simulation_check", "dropped_calls", "dropped_calls_table",
    "detection_probability",
]


def _check(value: float, name: str, *, minimum: float = 0.0, strict: bool = False) -> float:
    """``value`` as a float, or a ``DataError`` naming the input."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise DataError(t("queueing.error_number", name=name, value=value)) from None
    if math.isnan(x) or x < minimum or (strict and x <= minimum):
        raise DataError(t("queueing.error_range", name=name, value=value, minimum=minimum))
    return x


def _agents(agents) -> int:
    n = _check(agents, "agents")
    if n != int(n):
        raise DataError(t("queueing.error_whole", name="agents", value=agents))
    return int(n)


def traffic(calls_per_hour: float, aht_seconds: float) -> float:
    """Offered traffic in Erlangs: ``A = λ · AHT / 3600`` (λ calls per hour, AHT seconds)."""
    return _check(calls_per_hour, "calls_per_hour") * _check(aht_seconds, "aht_seconds", strict=True) / 3600.0


def erlang_b(traffic: float, agents: int) -> float:
    """Erlang B: probability that a call finds all ``agents`` busy when blocked calls are lost.

    Computed by the stable recursion ``B(0) = 1``, ``B(n) = A·B(n−1) / (n + A·B(n−1))``
    (no factorials, fine for thousands of agents). Source: Koole (2013), §4.2.
    """
    a = _check(traffic, "traffic")
    n = _agents(agents)
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(traffic: float, agents: int) -> float:
    """Erlang C: probability that a call has to wait (M/M/N, nobody hangs up).

    ``C = N·B / (N − A·(1 − B))`` with ``B`` the Erlang B value for ``A`` Erlangs and
    ``N`` agents; ``1.0`` when ``N ≤ A`` (the queue grows without end). Source: Koole
    (2013), §4.3. Example: ``A = 10``, ``N = 12`` → 0.4494.
    """
    a = _check(traffic, "traffic")
    n = _agents(agents)
    if n <= a:
        return 1.0
    b = erlang_b(a, n)
    return n * b / (n - a * (1.0 - b))


def service_level(calls_per_hour: float, aht_seconds: float, agents: int, target_seconds: float) -> float:
    """Share of calls answered within ``target_seconds`` (Erlang C, nobody hangs up).

    ``SL = 1 − C · exp(−(N − A) · T / AHT)``, ``A = calls_per_hour · AHT / 3600``;
    ``0.0`` when ``N ≤ A``. Source: Koole (2013), §4.3.
    """
    a = traffic(calls_per_hour, aht_seconds)
    n = _agents(agents)
    target = _check(target_seconds, "target_seconds")
    if n <= a:
        return 0.0
    return 1.0 - erlang_c(a, n) * math.exp(-(n - a) * target / float(aht_seconds))


def average_speed_of_answer(calls_per_hour: float, aht_seconds: float, agents: int) -> float:
    """Average wait before an answer, in seconds, over all calls (Erlang C).

    ``ASA = C · AHT / (N − A)``; ``inf`` when ``N ≤ A``. Source: Koole (2013), §4.3.
    """
    a = traffic(calls_per_hour, aht_seconds)
    n = _agents(agents)
    if n <= a:
        return math.inf
    return erlang_c(a, n) * float(aht_seconds) / (n - a)


def staffing_table(calls_per_hour: float, aht_seconds: float, target_seconds: float,
                   max_agents: int | None = None) -> pd.DataFrame:
    """Erlang C for every staffing from 1 to ``max_agents`` in one pass of the B recursion.

    Columns: ``agents``, ``p_wait``, ``service_level`` (share answered within
    ``target_seconds``), ``asa_seconds`` (``inf`` when ``N ≤ A``), ``occupancy``
    (``A / N``, capped at 1). ``max_agents`` defaults to ``⌈A⌉ + 10·√A + 10``.
    One Python loop of ``max_agents`` steps, then numpy: 2,000 agents take about a millisecond.
    """
    a = traffic(calls_per_hour, aht_seconds)
    aht = float(aht_seconds)
    target = _check(target_seconds, "target_seconds")
    top = _agents(max_agents) if max_agents is not None else int(math.ceil(a + 10 * math.sqrt(a) + 10))
    top = max(top, 1)
    b = np.empty(top)
    x = 1.0
    for k in range(1, top + 1):
        x = a * x / (k + a * x)
        b[k - 1] = x
    n = np.arange(1, top + 1, dtype=float)
    stable = n > a
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(stable, n * b / (n - a * (1.0 - b)), 1.0)
        sl = np.where(stable, 1.0 - c * np.exp(-(n - a) * target / aht), 0.0)
        asa = np.where(stable, c * aht / (n - a), np.inf)
    return pd.DataFrame({"agents": n.astype(int), "p_wait": c, "service_level": sl,
                         "asa_seconds": asa, "occupancy": np.minimum(a / n, 1.0)})


def agents_needed(calls_per_hour: float, aht_seconds: float, target_seconds: float,
                  service_level: float) -> int:
    """The smallest number of agents whose Erlang C service level reaches ``service_level``.

    Searches upwards from ``⌊A⌋ + 1`` (fewer agents can never keep up). ``service_level``
    is a share in [0, 1), e.g. 0.8 for "80 % within 20 s". Source: Koole (2013), §4.4.
    """
    goal = _check(service_level, "service_level")
    if goal >= 1.0:
        raise DataError(t("queueing.error_goal", value=service_level))
    a = traffic(calls_per_hour, aht_seconds)
    target = _check(target_seconds, "target_seconds")
    n = int(math.floor(a)) + 1
    b = erlang_b(a, n)
    while True:
        c = n * b / (n - a * (1.0 - b))
        if 1.0 - c * math.exp(-(n - a) * target / float(aht_seconds)) >= goal:
            return n
        n += 1
        b = a * b / (n + a * b)


# --- Erlang A: callers who hang up while waiting -------------------------------------------

def _erlang_a_window(lam: float, mu: float, n: int, theta: float) -> tuple[int, np.ndarray]:
    """Stationary distribution of the M/M/N+M birth–death chain on the states that matter:
    ``(first, p)`` with ``p[i]`` the probability of ``first + i`` callers in the system.

    ``log π_k − log π_{k−1} = log(λ / d_k)`` with death rates ``d_k = μ·min(k, N) +
    θ·max(k − N, 0)``. The terms rise up to the mode (``d_k ≈ λ``) and fall after it, so
    the sum is taken from the mode outwards, in log space, over a window widened until
    both ends are below ``e^-50`` of the mode (or reach state 0). Nothing of weight is
    left out, however long the queue: with 36,000 calls an hour and a patience of 10⁶ s
    the mode is near ten million callers waiting and the window holds ~60,000 states.
    """
    if lam < n * mu:
        mode = min(int(lam / mu), n)
    else:
        mode = n + int((lam - n * mu) / theta)
    width = int(1000 + 12 * math.sqrt(lam / theta) + 12 * math.sqrt(lam / mu))
    while True:
        lo, hi = max(0, mode - width), mode + width
        k = np.arange(lo + 1, hi + 1, dtype=float)
        deaths = mu * np.minimum(k, n) + theta * np.maximum(k - n, 0.0)
        with np.errstate(divide="ignore"):
            logs = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(deaths))])
        logs -= logs.max()
        if (lo == 0 or logs[0] < -50) and logs[-1] < -50:
            break
        width *= 2
        if width > 50_000_000:
            raise DataError(t("evidence.erlang_a_outside", calls=lam * 3600, agents=n))
    p = np.exp(logs)
    return lo, p / p.sum()


def erlang_a(calls_per_hour: float, aht_seconds: float, agents: int, patience_seconds: float) -> dict:
    """Erlang A (M/M/N+M): Poisson calls, exponential handling and exponential patience.

    Method: the number of callers in the system is a birth–death chain (arrivals λ,
    departures ``μ·min(k, N) + θ·max(k − N, 0)`` with ``μ = 1/AHT`` and ``θ = 1/patience``);
    its stationary distribution ``π`` is computed in log space over every state whose
    probability is above e^-50 of the most likely one, however long the queue
    (``_erlang_a_window``). Then, by PASTA and Little's law:

    - ``p_wait = P(k ≥ N)``: share of callers who find every agent busy;
    - ``p_abandon = θ · E[Lq] / λ``: share who hang up before an answer;
    - ``mean_wait = E[Lq] / λ`` seconds, averaged over all callers (time in queue, up to the
      answer or the hang-up);
    - ``mean_wait_answered`` seconds: average wait of those who were answered;
    - ``served = 1 − p_abandon``.

    Works also when ``N ≤ A`` (impatience keeps the queue finite); with ``patience = inf``
    it gives Erlang C (``p_wait``, ``mean_wait = ASA``; ``inf`` values when ``N ≤ A``).
    Source: C. Palm (1943); Garnett, Mandelbaum & Reiman (2002), M&SOM 4(3); Mandelbaum &
    Zeltyn, "The Erlang-A/Palm queue" (2004–2009).
    """
    lam = _check(calls_per_hour, "calls_per_hour") / 3600.0
    aht = _check(aht_seconds, "aht_seconds", strict=True)
    n = _agents(agents)
    patience = _check(patience_seconds, "patience_seconds", strict=True)
    mu = 1.0 / aht
    if lam == 0:
        return {"p_wait": 0.0, "p_abandon": 0.0, "mean_wait": 0.0, "mean_wait_answered": 0.0, "served": 1.0}
    if math.isinf(patience):
        a = lam * aht
        c = erlang_c(a, n)
        asa = c * aht / (n - a) if n > a else math.inf
        return {"p_wait": c, "p_abandon": 0.0, "mean_wait": asa, "mean_wait_answered": asa, "served": 1.0}
    if n == 0:
        return {"p_wait": 1.0, "p_abandon": 1.0, "mean_wait": patience, "mean_wait_answered": 0.0, "served": 0.0}
    theta = 1.0 / patience
    first, p = _erlang_a_window(lam, mu, n, theta)
    states = np.arange(first, first + p.size)
    waiting = states >= n
    p_wait = min(float(p[waiting].sum()), 1.0)  # sums of many terms can pass 1 by a rounding error
    lq = float((np.maximum(states - n, 0) * p).sum())
    p_abandon = min(theta * lq / lam, 1.0)
    served = 1.0 - p_abandon
    answered_wait = _answered_wait(p[waiting], states[waiting] - n, float(p[~waiting].sum()), n, mu, theta)
    return {"p_wait": p_wait, "p_abandon": p_abandon, "mean_wait": lq / lam,
            "mean_wait_answered": answered_wait, "served": served}


def _offered_answer_probability(n: int, mu: float, theta: float, positions: int, target: float) -> np.ndarray:
    """``u_j(T)``: probability that a caller who finds ``j`` callers waiting ahead of them
    (all agents busy) is answered within ``target`` seconds, for ``j = 0 … positions−1``.

    While ``i`` callers are ahead, the position moves up at rate ``Nμ + iθ`` (an agent frees
    or someone ahead hangs up); from ``i = 0`` an agent frees at rate ``Nμ`` and the caller
    is answered; the caller hangs up at rate ``θ`` throughout. ``u`` solves the backward
    equations ``u' = M u`` of this absorbing chain, computed with ``expm_multiply``.
    """
    from scipy.sparse import diags
    from scipy.sparse.linalg import expm_multiply

    i = np.arange(positions, dtype=float)
    up = n * mu + i * theta          # rate of moving from i to i−1 (or to "answered" from 0)
    size = positions + 1             # last state: answered (absorbing, value 1)
    main = np.concatenate([-(up + theta), [0.0]])
    lower = np.concatenate([up[1:], [0.0]])  # row i (i ≥ 1) → column i−1; row 0 → "answered"
    m = diags([main, lower], [0, -1], shape=(size, size), format="lil")
    m[0, size - 1] = up[0]
    x0 = np.zeros(size)
    x0[-1] = 1.0
    return expm_multiply(m.tocsr() * target, x0)[:positions]


def _answered_wait(q: np.ndarray, j: np.ndarray, below: float, n: int, mu: float, theta: float) -> float:
    """Mean wait, in seconds, of the callers who are answered.

    ``q`` are the probabilities of finding ``j`` callers waiting ahead (all agents busy),
    ``below`` the probability of finding a free agent (answered at once). A caller with
    ``j`` ahead is answered with probability ``q_j = Π_{i=0..j} (Nμ+iθ)/(Nμ+(i+1)θ)``,
    which telescopes to ``Nμ / (Nμ + (j+1)θ)``; given the answer their wait is the sum
    of phases with rates ``Nμ + (i+1)θ`` (the caller's own hazard ``θ`` added), whose
    mean is ``Σ_{i=0..j} 1/(Nμ+(i+1)θ) = (ψ(a + j + 2) − ψ(a + 1)) / θ`` with ``a = Nμ/θ``
    and ``ψ`` the digamma function; so ``E[W·1{ans}|j] = q_j · that mean``.
    """
    from scipy.special import digamma

    a = n * mu / theta
    q_j = n * mu / (n * mu + (j + 1) * theta)
    mean_phase = (digamma(a + j + 2.0) - digamma(a + 1.0)) / theta
    answered = float((q * q_j).sum()) + below
    if answered <= 0:
        return 0.0
    return float((q * q_j * mean_phase).sum()) / answered


def erlang_a_service_level(calls_per_hour: float, aht_seconds: float, agents: int,
                           patience_seconds: float, target_seconds: float) -> float:
    """Share of ALL callers answered within ``target_seconds`` in Erlang A (M/M/N+M).

    ``SL = Σ_{k<N} π_k + Σ_{j≥0} π_{N+j} · u_j(T)``, where ``u_j(T)`` is the probability
    that a caller finding ``j`` callers ahead is answered (not hung up) within ``T``
    (see ``_offered_answer_probability``). Callers who hang up count as not answered.
    With ``patience = inf`` it equals Erlang C's ``service_level``.
    """
    patience = _check(patience_seconds, "patience_seconds", strict=True)
    if math.isinf(patience):
        return service_level(calls_per_hour, aht_seconds, agents, target_seconds)
    lam = _check(calls_per_hour, "calls_per_hour") / 3600.0
    aht = _check(aht_seconds, "aht_seconds", strict=True)
    n = _agents(agents)
    target = _check(target_seconds, "target_seconds")
    if lam == 0:
        return 1.0
    if n == 0:
        return 0.0
    theta, mu = 1.0 / patience, 1.0 / aht
    first, window = _erlang_a_window(lam, mu, n, theta)
    if first + window.size - n > 200_000:  # the answer-time chain would need that many positions
        raise DataError(t("evidence.erlang_a_outside", calls=calls_per_hour, agents=n))
    p = np.concatenate([np.zeros(first), window])
    if p.size <= n:
        p = np.concatenate([p, np.zeros(n + 1 - p.size)])
    queue = p[n:]
    keep = int(np.nonzero(queue > 1e-15)[0].max()) + 1 if (queue > 1e-15).any() else 1
    u = _offered_answer_probability(n, mu, theta, keep, target)
    return min(float(p[:n].sum() + (queue[:keep] * u).sum()), 1.0)


# --- a seeded simulation to check the formulas ---------------------------------------------

def simulate_queue(calls_per_hour: float, aht_seconds: float, agents: int,
                   patience_seconds: float = math.inf, *, n_calls: int = 50_000,
                   target_seconds: float = 20.0, seed: int = 0, warmup: int = 1_000) -> dict:
    """Simulate a first-come-first-served queue with ``agents`` agents, seeded.

    Poisson arrivals, exponential handling times (mean ``aht_seconds``) and exponential
    patience (mean ``patience_seconds``; ``inf``: nobody hangs up), drawn from
    ``numpy.random.default_rng(seed)``. Under FCFS a caller's answer time is
    ``max(arrival, earliest time an agent is free)`` given the callers before them (those who
    hung up take no agent), so the simulation walks the calls in order with a heap of the
    agents' free times; a caller whose offered wait exceeds their patience hangs up.

    Returns ``p_wait`` (share who found all agents busy), ``p_abandon``, ``mean_wait``
    (seconds, all callers, up to answer or hang-up), ``mean_wait_answered``, ``service_level`` (share of all callers
    answered within ``target_seconds``) and ``calls`` (counted after the ``warmup`` calls).
    """
    lam = _check(calls_per_hour, "calls_per_hour", strict=True) / 3600.0
    aht = _check(aht_seconds, "aht_seconds", strict=True)
    n = _agents(agents)
    patience = _check(patience_seconds, "patience_seconds", strict=True)
    if n < 1:
        raise DataError(t("queueing.error_range", name="agents", value=agents, minimum=1))
    rng = np.random.default_rng(seed)
    total = int(n_calls) + int(warmup)
    arrivals = np.cumsum(rng.exponential(1.0 / lam, total)).tolist()
    services = rng.exponential(aht, total).tolist()
    patiences = (rng.exponential(patience, total) if math.isfinite(patience)
                 else np.full(total, math.inf)).tolist()
    free = [0.0] * n
    waited = np.zeros(total)
    offered = np.zeros(total)
    abandoned = np.zeros(total, dtype=bool)
    for i in range(total):
        a = arrivals[i]
        start = free[0] if free[0] > a else a
        wait = start - a
        offered[i] = wait
        if wait > patiences[i]:
            abandoned[i] = True
            waited[i] = patiences[i]
        else:
            waited[i] = wait
            heapq.heapreplace(free, start + services[i])
    keep = slice(int(warmup), total)
    ab, wt, off = abandoned[keep], waited[keep], offered[keep]
    return {"p_wait": float((off > 0).mean()), "p_abandon": float(ab.mean()),
            "mean_wait": float(wt.mean()),
            "mean_wait_answered": float(wt[~ab].mean()) if (~ab).any() else 0.0,
            "service_level": float(((~ab) & (off <= target_seconds)).mean()),
            "calls": int(n_calls)}


# --- the outsourcer's trick ----------------------------------------------------------------

def dropped_calls(calls_per_hour: float, aht_seconds: float, agents: int, target_seconds: float,
                  drop_share: float, drop_seconds: float = 10.0) -> dict:
    """What the dashboard shows, and what callers get, when agents hang up on a share of calls.

    Model: agents pick up every call but hang up on a share ``d`` of them after
    ``drop_seconds`` (instead of handling them in ``aht_seconds``). This frees agents, so
    the average handling time falls to ``AHT' = (1 − d)·AHT + d·drop_seconds`` and the
    queue empties. The supplier's dashboard counts every pick-up as answered:

    - ``reported_service_level = SL(λ, AHT', N, T)`` (Erlang C with the shorter AHT);
    - ``reported_asa`` seconds, ASA with ``AHT'``;
    - ``really_served = 1 − d``: share of callers who got a real answer;
    - ``served_within_target = (1 − d) · SL(λ, AHT', N, T)``: really served AND answered
      within the target (the wait does not depend on whether the call is then dropped);
    - ``honest_service_level = SL(λ, AHT, N, T)``: the same team without the trick.

    Source of the story: a French consumer magazine (60 Millions de consommateurs) reported
    staff of a large outsourcer told to hang up on callers to empty queues (seed article 002).
    """
    d = _check(drop_share, "drop_share")
    if d > 1:
        raise DataError(t("queueing.error_share", name="drop_share", value=drop_share))
    aht = _check(aht_seconds, "aht_seconds", strict=True)
    short = _check(drop_seconds, "drop_seconds", strict=True)
    effective = (1.0 - d) * aht + d * short
    reported = service_level(calls_per_hour, effective, agents, target_seconds)
    return {"drop_share": d, "effective_aht": effective, "reported_service_level": reported,
            "reported_asa": average_speed_of_answer(calls_per_hour, effective, agents),
            "really_served": 1.0 - d, "served_within_target": (1.0 - d) * reported,
            "honest_service_level": service_level(calls_per_hour, aht, agents, target_seconds)}


def dropped_calls_table(calls_per_hour: float, aht_seconds: float, agents: int, target_seconds: float,
                        drop_shares=None, drop_seconds: float = 10.0) -> pd.DataFrame:
    """:func:`dropped_calls` for a range of drop shares (default 0 %, 2 %, … 40 %), one row each."""
    shares = np.linspace(0.0, 0.4, 21) if drop_shares is None else np.asarray(drop_shares, dtype=float)
    rows = [dropped_calls(calls_per_hour, aht_seconds, agents, target_seconds, d, drop_seconds) for d in shares]
    return pd.DataFrame(rows)


def detection_probability(drop_share: float, mystery_calls: int) -> float:
    """Chance that ``mystery_calls`` independent mystery calls meet at least one dropped call.

    ``1 − (1 − d)^n``: the dashboard hides the drops, but a caller who is hung up on knows it.
    Example: ``d = 10 %``, ``n = 30`` → ``1 − 0.9^30 ≈ 0.958``.
    """
    d = _check(drop_share, "drop_share")
    if d > 1:
        raise DataError(t("queueing.error_share", name="drop_share", value=drop_share))
    calls = _agents(mystery_calls)
    return 1.0 - (1.0 - d) ** calls


def simulation_check(calls_per_hour: float, aht_seconds: float, agents: int, patience_seconds: float,
                     target_seconds: float = 20.0, *, n_calls: int = 200_000, seed: int = 0) -> pd.DataFrame:
    """Erlang A (Erlang C when ``patience_seconds`` is ``inf``) beside the seeded simulation.

    One row per measure (probability of waiting, share who hang up, average wait in seconds,
    share of all callers answered within ``target_seconds``), labelled in the current
    language; two columns, the formula and the simulation, rounded to 3 decimals. The two
    should agree within sampling error.
    """
    formula = erlang_a(calls_per_hour, aht_seconds, agents, patience_seconds)
    formula["service_level"] = erlang_a_service_level(calls_per_hour, aht_seconds, agents,
                                                      patience_seconds, target_seconds)
    sim = simulate_queue(calls_per_hour, aht_seconds, agents, patience_seconds, n_calls=n_calls,
                         target_seconds=target_seconds, seed=seed)
    measures = {"p_wait": t("queueing.p_wait"), "p_abandon": t("queueing.p_abandon"),
                "mean_wait": t("queueing.mean_wait_s"),
                "service_level": t("queueing.sl_all", target=f"{float(target_seconds):g}")}
    return pd.DataFrame({t("queueing.formula"): [formula[m] for m in measures],
                         t("queueing.simulation"): [sim[m] for m in measures]},
                        index=list(measures.values())).round(3)
