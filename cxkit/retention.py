"""Customer value over time: lifetime value, retention and the lock-in cliff."""
from __future__ import annotations


def clv(annual_margin: float, retention_rate: float, discount_rate: float) -> float:
    """Customer lifetime value of one existing customer, in money.

    ``clv = m · r / (1 + d − r)``: the margin ``m`` earned each year the customer stays,
    with yearly retention ``r`` and discount rate ``d``, summed over an infinite horizon
    with the first margin one year from now (Gupta & Lehmann 2003, "Customers as assets",
    Journal of Interactive Marketing 17(1)).

    Parameters
    ----------
    annual_margin : float
        Margin per customer per year (money).
    retention_rate : float
        Share of customers still there a year later, in [0, 1].
    discount_rate : float
        Yearly discount rate (e.g. 0.08), ``> retention_rate − 1``.
    """
    denominator = 1.0 + discount_rate - retention_rate
    if denominator <= 0:
        raise ValueError("retention_rate must be below 1 + discount_rate")
    return annual_margin * retention_rate / denominator
