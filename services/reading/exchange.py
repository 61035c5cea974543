"""Converting amounts between currencies with stored, dated rates."""

from catalogue import views as v


def convert(
    amount: float, currency: str, target: str, rates: list[v.ExchangeRateView]
) -> tuple[float, v.ExchangeRateView] | None:
    """``amount`` in ``target`` using the newest rate between the two currencies, and that rate.

    ``None`` when the currencies are the same or no rate links them.
    """
    if currency == target:
        return None
    for rate in sorted(rates, key=lambda rate: rate.as_of, reverse=True):
        if (rate.base, rate.quote) == (currency, target):
            return amount * rate.rate, rate
        if (rate.base, rate.quote) == (target, currency):
            return amount / rate.rate, rate
    return None
