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
from scipy.special import gammaln

from .errors import DataError
from .i18n import t

__all__ = [
    "erlang_b", "erlang_c", "traffic", "service_level", "average_speed_of_answer",
    "agents_needed", "staffing_table", "erlang_a", "erlang_a_service_level",
    "simulate_queue", "simulation_check", "dropped_calls", "dropped_calls_table",
    "detection_probability", "patience_from_abandonment", "staff_to_schedule", "cost_table",
    "cost_optimal_agents", "dashboard_service_level", "dashboard_agents_needed", "load_profile", "day_plan",
    "day_summary",
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


def _log_erlang_b(a: float, n: int) -> float:
    """``log B(a, n)``, Erlang B's blocking for ``a`` Erlangs and ``n`` servers.

    ``B = pois(n; a) / P(Poisson(a) ≤ n)`` with the Poisson tail from scipy's regularised
    incomplete gamma (``gammaincc(n + 1, a)``); when that tail is too small for a double
    (far fewer servers than Erlangs) the recursion of :func:`erlang_b` is used instead.
    """
    from scipy.special import gammaincc

    if n == 0:
        return 0.0
    tail = float(gammaincc(n + 1, a))
    if tail > 1e-250:
        return -a + n * math.log(a) - math.lgamma(n + 1) - math.log(tail)
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return math.log(b) if b > 0 else -math.inf


def _log_scaled_gamma(s: float, log_y_over_b: float, a: float, b: float) -> float:
    """``log(e^b · b^−a · γ(s, y))`` for ``s`` = ``a`` or ``a + 1`` and ``y = b·e^{log_y_over_b} ≤ b``,
    ``γ`` the lower incomplete gamma function.

    Written ``(b − y) + a·log(y/b) + (s − a)·log y − log s + log ₁F₁(1; s + 1; y)`` (Kummer's
    series, which converges when ``y < s`` and stays accurate where ``P(s, y)`` is a far
    tail or below what a double holds); when ``y ≥ s`` from ``P(s, y)`` with ``b − a·log b + log Γ(a + 1)``
    written as ``a·(x − log(1 + x)) + ½·log(2πa) + 1/(12a) − …`` (``x = (b − a)/a``), so that
    terms of size 10⁸ do not cancel when the patience is very long.
    """
    from scipy.special import gammainc, hyp1f1

    y = b * math.exp(log_y_over_b)
    if y <= 0:
        return -math.inf
    p = float(gammainc(s, y)) if y >= s else 0.0
    if p > 1e-280:
        if a < 10:
            lead = b - a * math.log(b) + math.lgamma(a + 1)
        else:
            x = (b - a) / a
            lead = (a * (x - math.log1p(x)) + 0.5 * math.log(2 * math.pi * a)
                    + 1 / (12 * a) - 1 / (360 * a ** 3) + 1 / (1260 * a ** 5))
        return lead - (math.log(a) if s == a else 0.0) + math.log(p)
    return ((b - y) + a * log_y_over_b + (s - a) * math.log(y) - math.log(s)
            + math.log(float(hyp1f1(1.0, s + 1.0, y))))


def _erlang_a_closed(lam: float, mu: float, n: int, theta: float, target: float | None = None) -> dict:
    """Erlang A in closed form: ``p_wait``, ``p_abandon`` and (with ``target``) the service
    level, for ``n ≥ 1`` agents (rates per second).

    The offered wait ``V`` (what a caller would wait with infinite patience) has an atom
    ``P(V = 0) = Σ_{k<N} π_k`` and, for ``x > 0``, the density
    ``f(x) = λ·π_{N−1}·exp(λ·(1 − e^{−θx})/θ − Nμx)`` (Baccelli & Hébuterne 1981 for
    M/M/N+G; Mandelbaum & Zeltyn). A caller is answered within ``T`` when ``V ≤ T`` and
    their patience outlasts ``V`` (probability ``e^{−θV}``). With ``a = Nμ/θ``, ``b = λ/θ``
    and ``y = b·e^{−θx}`` the integrals are incomplete gamma functions; dividing by
    ``π_{N−1}``, whose ratio to ``Σ_{k<N} π_k`` is Erlang B ``B(A, N − 1)``:

    - ``M = B · b · e^b b^{−a} γ(a, b)`` (callers who wait, relative to those who do not);
    - ``J(T) = B · e^b b^{−a} (γ(a + 1, b) − γ(a + 1, b·e^{−θT}))`` (answered after waiting,
      within ``T``);
    - ``p_wait = M / (1 + M)``, ``SL(T) = (1 + J(T)) / (1 + M)``,
      ``p_abandon = (M − J(∞)) / (1 + M)``.

    This is the incomplete-gamma form of Riordan's (1962) and Garnett, Mandelbaum &
    Reiman's (2002) expressions; about 6 µs for 400 Erlangs.
    """
    a_traffic = lam / mu
    a, b = n * mu / theta, lam / theta
    log_b = _log_erlang_b(a_traffic, n - 1)
    log_m = log_b + math.log(b) + _log_scaled_gamma(a, 0.0, a, b)
    scale = max(log_m, 0.0)  # everything divided by max(1, M): a long queue makes M huge
    one, m = math.exp(-scale), math.exp(log_m - scale)
    log_answered = log_b + _log_scaled_gamma(a + 1, 0.0, a, b)
    answered = math.exp(log_answered - scale)
    out = {"p_wait": m / (one + m), "p_abandon": max(m - answered, 0.0) / (one + m)}
    if target is not None:
        late = (math.exp(log_b + _log_scaled_gamma(a + 1, -theta * target, a, b) - scale)
                if target > 0 else answered)
        out["service_level"] = min(max((one + answered - late) / (one + m), 0.0), 1.0)
    return out


def _erlang_a_sweep(lam: float, mu: float, theta: float, top: int) -> pd.DataFrame:
    """:func:`_erlang_a_arrays` as a DataFrame."""
    return pd.DataFrame(_erlang_a_arrays(lam, mu, theta, top))


def _erlang_a_arrays(lam: float, mu: float, theta: float, top: int) -> dict:
    """Erlang A for every staffing from 0 to ``top`` agents at once (rates per second):
    ``agents``, ``p_wait``, ``p_abandon``, ``mean_wait`` (seconds, all callers).

    The closed form of :func:`_erlang_a_closed` needs one incomplete gamma value per
    staffing, ``G = e^b b^{−a} γ(a, b)`` (since ``e^b b^{−a} γ(a + 1, b) = a·G − 1``):
    ``M = B·b·G``, ``p_wait = M / (1 + M)``, ``p_abandon = B·(1 − (a − b)·G) / (1 + M)``, and
    ``mean_wait = p_abandon / θ`` (Little's law on the callers who hang up). ``B`` is Erlang B
    for ``N − 1`` agents, all of them from one pass of the recursion; the gamma values are
    taken column-wise (Kummer's series where ``b < a``, scipy's ``gammainc`` elsewhere).
    With no agent every caller waits until they hang up.
    """
    from scipy.special import gammainc, hyp1f1

    a_traffic, b = lam / mu, lam / theta
    n = np.arange(1, top + 1, dtype=float)
    blocking = np.empty(top)
    x = 1.0
    for k in range(top):  # blocking[k] = B(A, k) = B(A, N − 1) for N = k + 1
        blocking[k] = x
        x = a_traffic * x / (k + 1 + a_traffic * x)
    a = n * mu / theta
    series = b < a
    g = np.empty(top)
    g[series] = hyp1f1(1.0, a[series] + 1.0, b) / a[series]
    big = ~series
    if big.any():
        ab = a[big]
        xr = (b - ab) / ab
        lead = np.where(ab < 10, b - ab * math.log(b) + gammaln(ab + 1),
                        ab * (xr - np.log1p(xr)) + 0.5 * np.log(2 * math.pi * ab)
                        + 1 / (12 * ab) - 1 / (360 * ab ** 3))
        with np.errstate(over="ignore"):
            g[big] = np.exp(lead - np.log(ab) + np.log(gammainc(ab, b)))
    with np.errstate(over="ignore", invalid="ignore"):
        m = blocking * b * g
        finite = np.isfinite(m)
        p_wait = np.where(finite, m / (1 + m), 1.0)
        # with M infinite (or huge): p_abandon → (1 − (a − b)·G) / (b·G)
        p_abandon = np.where(finite, blocking * (1 - (a - b) * g) / (1 + m), (1 - (a - b) * g) / (b * g))
    p_abandon = np.clip(p_abandon, 0.0, 1.0)
    return _sweep_arrays(p_wait, p_abandon, theta, top)


def _sweep_arrays(p_wait: np.ndarray, p_abandon: np.ndarray, theta: float, top: int) -> dict:
    return {"agents": np.arange(0, top + 1), "p_wait": np.concatenate([[1.0], p_wait]),
            "p_abandon": np.concatenate([[1.0], p_abandon]),
            "mean_wait": np.concatenate([[1.0 / theta], p_abandon / theta])}


def erlang_a_service_level(calls_per_hour: float, aht_seconds: float, agents: int,
                           patience_seconds: float, target_seconds: float) -> float:
    """Share of ALL callers answered within ``target_seconds`` in Erlang A (M/M/N+M).

    Closed form (:func:`_erlang_a_closed`): with ``a = N·μ/θ``, ``b = λ/θ``, ``B`` Erlang B
    for ``A`` Erlangs and ``N − 1`` agents and ``γ`` the lower incomplete gamma function,
    ``SL = (1 + B·e^b b^{−a}[γ(a+1, b) − γ(a+1, b·e^{−θT})]) / (1 + B·b·e^b b^{−a} γ(a, b))``.
    Callers who hang up count as not answered. With ``patience = inf`` it equals Erlang C's
    ``service_level``. The chain method it replaced (``_erlang_a_service_level_matrix``,
    600 times slower) is kept as the tests' reference; both agree to 1e-9.
    Sources: Riordan (1962), *Stochastic Service Systems*; Garnett, Mandelbaum & Reiman
    (2002), M&SOM 4(3); Mandelbaum & Zeltyn, "The Erlang-A/Palm queue".
    """
    known, (lam, mu, n, theta, target) = _erlang_a_sl_inputs(calls_per_hour, aht_seconds, agents,
                                                             patience_seconds, target_seconds)
    if known is not None:
        return known
    return _erlang_a_closed(lam, mu, n, theta, target)["service_level"]


def _erlang_a_sl_inputs(calls_per_hour, aht_seconds, agents, patience_seconds, target_seconds):
    """The checked inputs of an Erlang A service level, shared by the closed form and its
    reference: ``(answer, (λ per s, μ, N, θ, T))`` where ``answer`` is the service level when
    it needs no queue (infinite patience: Erlang C; no calls: 1; no agents: 0), else None."""
    patience = _check(patience_seconds, "patience_seconds", strict=True)
    if math.isinf(patience):
        return service_level(calls_per_hour, aht_seconds, agents, target_seconds), (None,) * 5
    lam = _check(calls_per_hour, "calls_per_hour") / 3600.0
    aht = _check(aht_seconds, "aht_seconds", strict=True)
    n = _agents(agents)
    target = _check(target_seconds, "target_seconds")
    known = 1.0 if lam == 0 else 0.0 if n == 0 else None
    return known, (lam, 1.0 / aht, n, 1.0 / patience, target)


def _erlang_a_service_level_matrix(calls_per_hour: float, aht_seconds: float, agents: int,
                           patience_seconds: float, target_seconds: float) -> float:
    """Share of ALL callers answered within ``target_seconds`` in Erlang A, by the chain:
    the reference that checks :func:`erlang_a_service_level`'s closed form (tests only).

    ``SL = Σ_{k<N} π_k + Σ_{j≥0} π_{N+j} · u_j(T)``, where ``u_j(T)`` is the probability
    that a caller finding ``j`` callers ahead is answered (not hung up) within ``T``
    (see ``_offered_answer_probability``). Callers who hang up count as not answered.
    With ``patience = inf`` it equals Erlang C's ``service_level``.
    """
    known, (lam, mu, n, theta, target) = _erlang_a_sl_inputs(calls_per_hour, aht_seconds, agents,
                                                             patience_seconds, target_seconds)
    if known is not None:
        return known
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


# --- staffing to the money (issue 17) -------------------------------------------------------

def patience_from_abandonment(abandon_rate: float, mean_wait_seconds: float) -> float:
    """The callers' mean patience, in seconds, from a centre's own abandonment figures.

    ``patience = mean_wait_seconds / abandon_rate``. In Erlang A (M/M/N+M) patience is
    exponential, so a waiting caller hangs up at the constant rate ``θ = 1/patience`` and
    the callers who hang up per second are ``θ·E[Lq]``; dividing by the arrival rate λ,
    ``abandon_rate = θ · mean_wait`` with ``mean_wait = E[Lq]/λ`` the mean wait of ALL
    callers (answered or not, up to the answer or the hang-up; not the ASA of answered
    calls only). Example: 6 % hang up, mean wait 24 s → patience 400 s.

    When it fails: patience that is not exponential (most callers do not hang up in the
    first seconds, and many give up at a round figure: the rate then depends on how long
    they have waited; Mandelbaum & Zeltyn found the ratio of abandonment to mean wait
    still close to linear across hours in real centres, which is what makes this estimate
    usable); an announced waiting time or a position in queue (callers decide at once,
    not at a constant rate); callbacks offered instead of waiting; and figures that count
    short hang-ups (under 5 s, say) as abandons or leave them out. Use the figures of one
    queue over comparable hours.

    Source: A. Mandelbaum & S. Zeltyn (2007), "Service engineering in action: the
    Palm/Erlang-A queue, with applications to call centers", in *Advances in Services
    Innovations*, Springer; Garnett, Mandelbaum & Reiman (2002).
    """
    rate = _check(abandon_rate, "abandon_rate", strict=True)
    if rate > 1:
        raise DataError(t("queueing.error_share", name="abandon_rate", value=abandon_rate))
    wait = _check(mean_wait_seconds, "mean_wait_seconds")
    if math.isinf(wait):
        raise DataError(t("queueing.error_number", name="mean_wait_seconds", value=mean_wait_seconds))
    return wait / rate


def staff_to_schedule(calls_per_hour: float, aht_seconds: float, target_seconds: float, service_level: float,
                      *, shrinkage: float = 0.0, max_occupancy: float = 1.0) -> dict:
    """Agents on the phones for a service-level goal and an occupancy cap, and the staff to
    schedule once breaks, training and absence are counted.

    - ``agents``: the smallest count that reaches ``service_level`` (Erlang C, as
      :func:`agents_needed`) AND keeps the occupancy ``A / agents`` at or below
      ``max_occupancy``, i.e. ``max(agents_needed, ⌈A / max_occupancy⌉)``;
    - ``scheduled = ⌈agents / (1 − shrinkage)⌉``: with a shrinkage of 30 %, 10 agents on the
      phones need ⌈10 / 0.7⌉ = 15 people scheduled;
    - ``occupancy = A / agents``; ``service_level``: the share answered within
      ``target_seconds`` with ``agents`` (Erlang C); ``limited_by``: ``"service_level"`` or
      ``"occupancy"``, whichever set the count.

    ``shrinkage`` is a share in [0, 1), ``max_occupancy`` in (0, 1]. Source: Koole (2013),
    *Call Center Optimization* (workforce planning: shrinkage and occupancy).
    """
    shrink = _check(shrinkage, "shrinkage")
    if shrink >= 1:
        raise DataError(t("queueing.error_shrinkage", value=shrinkage))
    cap = _check(max_occupancy, "max_occupancy", strict=True)
    if cap > 1:
        raise DataError(t("queueing.error_share", name="max_occupancy", value=max_occupancy))
    a = traffic(calls_per_hour, aht_seconds)
    needed = agents_needed(calls_per_hour, aht_seconds, target_seconds, service_level) if a > 0 else 0
    by_cap = int(math.ceil(a / cap - 1e-9))
    agents = max(needed, by_cap)
    scheduled = int(math.ceil(agents / (1.0 - shrink) - 1e-9))
    return {"agents": agents, "scheduled": scheduled,
            "occupancy": a / agents if agents else 0.0,
            "service_level": _service_level_or_one(calls_per_hour, aht_seconds, agents, target_seconds),
            "limited_by": "occupancy" if by_cap > needed else "service_level"}


def _service_level_or_one(calls_per_hour: float, aht_seconds: float, agents: int, target_seconds: float) -> float:
    """:func:`service_level`, with 1.0 when no call comes (an empty hour misses no target)."""
    if float(calls_per_hour) == 0:
        return 1.0
    return service_level(calls_per_hour, aht_seconds, agents, target_seconds)


def _cost_inputs(waiting_cost_per_hour, abandon_cost) -> tuple[float, float]:
    if waiting_cost_per_hour is None:
        from .journey import waiting_cost_per_hour as default_waiting
        waiting_cost_per_hour = default_waiting()
    if abandon_cost is None:
        from .losses import abandon_cost as default_abandon
        abandon_cost = default_abandon()
    return (_check(waiting_cost_per_hour, "waiting_cost_per_hour"), _check(abandon_cost, "abandon_cost"))


def cost_table(calls_per_hour: float, aht_seconds: float, patience_seconds: float, *,
               agent_cost_per_hour: float, waiting_cost_per_hour: float | None = None,
               abandon_cost: float | None = None, max_agents: int | None = None) -> pd.DataFrame:
    """The hourly cost of every staffing from 0 to ``max_agents`` agents (Erlang A).

    Columns: ``agents``, ``p_wait``, ``p_abandon``, ``mean_wait`` (seconds, all callers),
    and, in money per hour, ``payroll = agents · agent_cost_per_hour``, ``callers_waiting
    = λ · mean_wait/3600 · waiting_cost_per_hour`` (what the callers pay in time and call
    charges), ``lost_customers = λ · p_abandon · abandon_cost`` and ``total_cost``, their
    sum. ``max_agents`` defaults to ``⌈A + 10·√A + 10⌉``. Defaults for the two costs: see
    :func:`cost_optimal_agents`. One pass for all staffings (:func:`_erlang_a_sweep`).
    """
    return pd.DataFrame(_cost_arrays(calls_per_hour, aht_seconds, patience_seconds, agent_cost_per_hour,
                                     *_cost_inputs(waiting_cost_per_hour, abandon_cost), max_agents))


def _cost_arrays(calls_per_hour, aht_seconds, patience_seconds, agent_cost_per_hour, waiting_cost, lost_cost,
                 max_agents) -> dict:
    """:func:`cost_table`'s columns as numpy arrays (the day plan calls it 96 times)."""
    calls = _check(calls_per_hour, "calls_per_hour")
    aht = _check(aht_seconds, "aht_seconds", strict=True)
    patience = _check(patience_seconds, "patience_seconds", strict=True)
    agent_cost = _check(agent_cost_per_hour, "agent_cost_per_hour")
    a = calls * aht / 3600.0
    top = _agents(max_agents) if max_agents is not None else int(math.ceil(a + 10 * math.sqrt(a) + 10))
    if math.isinf(patience):
        raise DataError(t("queueing.error_patience_finite"))
    if calls == 0:
        zeros = np.zeros(top + 1)
        table = {"agents": np.arange(0, top + 1), "p_wait": zeros, "p_abandon": zeros, "mean_wait": zeros}
    else:
        table = _erlang_a_arrays(calls / 3600.0, 1.0 / aht, 1.0 / patience, max(top, 1))
        table = {k: v[: top + 1] for k, v in table.items()}
    table["payroll"] = table["agents"] * agent_cost
    table["callers_waiting"] = calls * table["mean_wait"] / 3600.0 * waiting_cost
    table["lost_customers"] = calls * table["p_abandon"] * lost_cost
    table["total_cost"] = table["payroll"] + table["callers_waiting"] + table["lost_customers"]
    return table


def cost_optimal_agents(calls_per_hour: float, aht_seconds: float, patience_seconds: float, *,
                        agent_cost_per_hour: float, waiting_cost_per_hour: float | None = None,
                        abandon_cost: float | None = None, max_agents: int | None = None) -> dict:
    """The number of agents that minimises what waiting really costs, per hour.

    ``total_cost_per_hour = agents · agent_cost_per_hour + λ · (mean_wait / 3600) ·
    waiting_cost_per_hour + λ · p_abandon · abandon_cost``, with λ calls per hour and
    ``mean_wait`` (seconds, over all callers) and ``p_abandon`` from Erlang A
    (M/M/N+M, mean patience ``patience_seconds``: :func:`patience_from_abandonment`
    reads it from a centre's figures). The count is the cheapest of every staffing from 0
    to ``max_agents`` (:func:`cost_table`); the first one wins a tie.

    Defaults: ``waiting_cost_per_hour`` is the caller's cost of an hour on hold in
    notebook 04's journey (:func:`cxkit.journey.waiting_cost_per_hour`, 36 an hour);
    ``abandon_cost`` the loss model's chance that a badly served customer leaves times the
    customer's value (:func:`cxkit.losses.abandon_cost`, about 83). Both are workshop
    assumptions: put the centre's own.

    Returns ``agents``, ``total_cost_per_hour``, its parts ``payroll``, ``callers_waiting``
    and ``lost_customers`` (money per hour), ``p_abandon``, ``mean_wait``, the costs used
    (``waiting_cost_per_hour``, ``abandon_cost``) and ``table`` (:func:`cost_table`, for the
    chart). Source: G. Koole (2013), *Call Center Optimization* (staffing on costs
    rather than on a service level); Erlang A as in :func:`erlang_a`.
    """
    waiting_cost, lost_cost = _cost_inputs(waiting_cost_per_hour, abandon_cost)
    table = cost_table(calls_per_hour, aht_seconds, patience_seconds, agent_cost_per_hour=agent_cost_per_hour,
                       waiting_cost_per_hour=waiting_cost, abandon_cost=lost_cost, max_agents=max_agents)
    best = table.loc[int(table["total_cost"].to_numpy().argmin())]
    return {"agents": int(best["agents"]), "total_cost_per_hour": float(best["total_cost"]),
            "payroll": float(best["payroll"]), "callers_waiting": float(best["callers_waiting"]),
            "lost_customers": float(best["lost_customers"]), "p_abandon": float(best["p_abandon"]),
            "mean_wait": float(best["mean_wait"]), "waiting_cost_per_hour": waiting_cost,
            "abandon_cost": lost_cost, "table": table}


def dashboard_service_level(calls_per_hour: float, aht_seconds: float, agents: int, patience_seconds: float,
                            target_seconds: float) -> float:
    """The service level a dashboard shows when it leaves the callers who hung up out:
    answered within ``target_seconds`` divided by calls answered, ``SL_all / (1 − p_abandon)``
    in Erlang A (:func:`erlang_a_service_level` over :func:`erlang_a`'s ``served``).

    Callers who hang up shorten the queue for the others and vanish from the ratio, so this
    figure is higher than the share of ALL callers answered in time, and higher than
    Erlang C's for the same team: hanging up flatters the service level. 1.0 when nobody is
    answered at all would be meaningless, so 0.0 is returned then.
    """
    lam = _check(calls_per_hour, "calls_per_hour") / 3600.0
    aht = _check(aht_seconds, "aht_seconds", strict=True)
    n = _agents(agents)
    patience = _check(patience_seconds, "patience_seconds", strict=True)
    target = _check(target_seconds, "target_seconds")
    if math.isinf(patience) or lam == 0:
        return erlang_a_service_level(calls_per_hour, aht_seconds, n, patience, target)
    if n == 0:
        return 0.0
    closed = _erlang_a_closed(lam, 1.0 / aht, n, 1.0 / patience, target)
    served = 1.0 - closed["p_abandon"]
    return min(closed["service_level"] / served, 1.0) if served > 0 else 0.0


def dashboard_agents_needed(calls_per_hour: float, aht_seconds: float, target_seconds: float,
                            service_level: float, patience_seconds: float) -> int:
    """The smallest staffing whose :func:`dashboard_service_level` reaches ``service_level``:
    the count a centre that leaves hang-ups out of its figures would call "on target"
    (never more than Erlang C's :func:`agents_needed`)."""
    ceiling = agents_needed(calls_per_hour, aht_seconds, target_seconds, service_level)
    n = 1
    while n < ceiling and dashboard_service_level(calls_per_hour, aht_seconds, n, patience_seconds,
                                                  target_seconds) < service_level:
        n += 1
    return n


def load_profile(source=None, *, name: str | None = None) -> pd.DataFrame:
    """A day's call volume by interval: :func:`cxkit.io.load_volume_profile` of ``source``,
    default the shipped sample ``data/sample_day_profile.csv`` (a generated day, 30-minute
    intervals)."""
    from pathlib import Path

    from .io import load_volume_profile

    if source is None:
        source = Path(__file__).resolve().parent.parent / "data" / "sample_day_profile.csv"
    return load_volume_profile(source, name=name)


def day_plan(profile: pd.DataFrame, aht_seconds: float, patience_seconds: float, *,
             agent_cost_per_hour: float, target_seconds: float = 20.0, service_level: float = 0.8,
             shrinkage: float = 0.0, max_occupancy: float = 1.0,
             waiting_cost_per_hour: float | None = None, abandon_cost: float | None = None) -> pd.DataFrame:
    """Staffing for each interval of a day, twice: to a service-level goal (80 % in 20 s by
    default) and to the money.

    ``profile`` has ``start``, ``minutes`` (interval length) and ``calls`` (calls offered in
    the interval), as :func:`load_profile` returns it; each interval is taken as a steady
    hour-rate ``calls_per_hour = calls · 60 / minutes``. For each plan: ``agents_*`` on the
    phones and ``scheduled_*`` (:func:`staff_to_schedule` for the goal; for the money
    :func:`cost_optimal_agents` and the same shrinkage), and the interval's costs in money,
    each per-hour cost times ``minutes / 60``: ``payroll_*``, ``callers_waiting_*``,
    ``lost_customers_*`` and ``cost_*``, all with Erlang A (callers hang up whatever the
    plan assumed). Suffixes: ``_goal`` and ``_money``. Sum the columns for the day
    (:func:`day_summary`).
    """
    shrink = _check(shrinkage, "shrinkage")
    if shrink >= 1:
        raise DataError(t("queueing.error_shrinkage", value=shrinkage))
    waiting_cost, lost_cost = _cost_inputs(waiting_cost_per_hour, abandon_cost)
    rows = []
    for rec in profile.to_dict("records"):
        hours = float(rec["minutes"]) / 60.0
        rate = float(rec["calls"]) / hours
        goal = staff_to_schedule(rate, aht_seconds, target_seconds, service_level,
                                 shrinkage=shrink, max_occupancy=max_occupancy)
        a = rate * float(aht_seconds) / 3600.0
        top = max(int(math.ceil(a + 10 * math.sqrt(a) + 10)), goal["agents"])
        costs = _cost_arrays(rate, aht_seconds, patience_seconds, agent_cost_per_hour, waiting_cost, lost_cost, top)
        best, at = int(costs["total_cost"].argmin()), goal["agents"]
        row = {"start": rec["start"], "minutes": float(rec["minutes"]), "calls": float(rec["calls"]),
               "calls_per_hour": rate, "agents_goal": at, "scheduled_goal": goal["scheduled"],
               "agents_money": best, "scheduled_money": int(math.ceil(best / (1.0 - shrink) - 1e-9))}
        for part in ("payroll", "callers_waiting", "lost_customers"):
            row[f"{part}_goal"] = float(costs[part][at]) * hours
            row[f"{part}_money"] = float(costs[part][best]) * hours
        row["cost_goal"] = float(costs["total_cost"][at]) * hours
        row["cost_money"] = float(costs["total_cost"][best]) * hours
        rows.append(row)
    return pd.DataFrame(rows)


def day_summary(plan: pd.DataFrame) -> pd.DataFrame:
    """The day's totals of :func:`day_plan`, one row per plan (``goal``, ``money``):
    ``agent_hours`` (on the phones), ``scheduled_hours``, ``payroll``, ``callers_waiting``,
    ``lost_customers`` and ``cost`` (money)."""
    hours = plan["minutes"] / 60.0
    out = {}
    for plan_name in ("goal", "money"):
        out[plan_name] = {"agent_hours": float((plan[f"agents_{plan_name}"] * hours).sum()),
                          "scheduled_hours": float((plan[f"scheduled_{plan_name}"] * hours).sum()),
                          **{part: float(plan[f"{part}_{plan_name}"].sum())
                             for part in ("payroll", "callers_waiting", "lost_customers")},
                          "cost": float(plan[f"cost_{plan_name}"].sum())}
    return pd.DataFrame(out).T
